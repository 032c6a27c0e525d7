/**
 * An alias inside the node it names (`phases: &a [*a]`) makes an infinite value: YAML allows it,
 * but no plan can mean it, and everything that walks the value afterwards would never end.
 */
import { visit } from 'yaml';
import type { Alias, Document } from 'yaml';

/** The first alias that refers to one of its own ancestors, if any. */
export function findAliasCycle(doc: Document): Alias | undefined {
  let found: Alias | undefined;
  visit(doc, {
    Alias(_, alias, path) {
      const target = alias.resolve(doc);
      if (target && path.includes(target)) {
        found = alias;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return found;
}

/** The first alias whose anchor is not set before it: YAML reads it as nothing to refer to. */
export function findUnresolvedAlias(doc: Document): Alias | undefined {
  let found: Alias | undefined;
  visit(doc, {
    Alias(_, alias) {
      if (alias.resolve(doc) === undefined) {
        found = alias;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return found;
}
