// The query AST produced by the parser and read by the evaluators, plus small tree helpers.

/** `any` = title or text (the default); `title` = title only; `source`/`author` = metadata filters. */
export type TermField = 'any' | 'title' | 'source' | 'author';

export type QueryNode =
  | {
      kind: 'term';
      field: TermField;
      /** normalized value that is matched (normalizeForMatch; lower case for source) */
      value: string;
      /** as written in the query (for author ids and display) */
      raw: string;
      phrase: boolean;
      /** 1-based column in the query source */
      column: number;
    }
  | { kind: 'and'; children: QueryNode[] }
  | { kind: 'or'; children: QueryNode[] }
  | { kind: 'not'; child: QueryNode }
  | { kind: 'near'; left: QueryNode; right: QueryNode; distance: number };

export type TermNode = Extract<QueryNode, { kind: 'term' }>;

/** A term matched by scanning text (as opposed to a source/author filter). */
export function isTextTerm(n: TermNode): boolean {
  return n.field === 'any' || n.field === 'title';
}

/** Every term of the tree with its polarity (false under an odd number of NOTs). */
export function collectTerms(node: QueryNode, positive = true, out: { term: TermNode; positive: boolean }[] = []) {
  switch (node.kind) {
    case 'term': out.push({ term: node, positive }); break;
    case 'and': case 'or': for (const c of node.children) collectTerms(c, positive, out); break;
    case 'not': collectTerms(node.child, !positive, out); break;
    case 'near': collectTerms(node.left, positive, out); collectTerms(node.right, positive, out); break;
  }
  return out;
}

/**
 * Whether the query can be true for a document in which no text term occurs (source/author
 * filters taken as unknown). Conservative: answers true whenever unsure. Such queries (e.g.
 * `-召回`, `source:weibo`) must be evaluated for every document.
 */
export function satisfiableWithoutText(node: QueryNode): boolean {
  return possible(node).canTrue;
}

function possible(node: QueryNode): { canTrue: boolean; canFalse: boolean } {
  switch (node.kind) {
    case 'term': return isTextTerm(node) ? { canTrue: false, canFalse: true } : { canTrue: true, canFalse: true };
    case 'near': return { canTrue: false, canFalse: true };
    case 'not': { const p = possible(node.child); return { canTrue: p.canFalse, canFalse: p.canTrue }; }
    case 'and': {
      const ps = node.children.map(possible);
      return { canTrue: ps.every((p) => p.canTrue), canFalse: ps.some((p) => p.canFalse) };
    }
    case 'or': {
      const ps = node.children.map(possible);
      return { canTrue: ps.some((p) => p.canTrue), canFalse: ps.every((p) => p.canFalse) };
    }
  }
}

/** Canonical text form of a tree (fully parenthesized); used in tests and debugging. */
export function formatQuery(node: QueryNode): string {
  switch (node.kind) {
    case 'term': {
      const v = node.phrase || /[\s()"]/.test(node.value) ? `"${node.value.replace(/["\\]/g, '\\$&')}"` : node.value;
      return node.field === 'any' ? v : `${node.field}:${v}`;
    }
    case 'and': return `(${node.children.map(formatQuery).join(' AND ')})`;
    case 'or': return `(${node.children.map(formatQuery).join(' OR ')})`;
    case 'not': return `NOT ${formatQuery(node.child)}`;
    case 'near': return `(${formatQuery(node.left)} NEAR/${node.distance} ${formatQuery(node.right)})`;
  }
}
