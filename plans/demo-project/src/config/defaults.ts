export const defaults = { port: 8080 };
