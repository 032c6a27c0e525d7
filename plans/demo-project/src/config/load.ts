export function loadConfig() { return { port: Number(process.env.PORT ?? 8080) }; }
