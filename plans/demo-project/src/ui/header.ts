export function header() { return "<h1>demo</h1>"; }
