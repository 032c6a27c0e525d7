export function footer() { return "<footer/>"; }
