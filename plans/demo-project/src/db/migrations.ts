export const migrations: string[] = [];
