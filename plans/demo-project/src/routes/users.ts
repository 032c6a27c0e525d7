export function users() { return []; }
