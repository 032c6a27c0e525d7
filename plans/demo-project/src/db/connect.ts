export function connect(url: string) { return { url }; }
