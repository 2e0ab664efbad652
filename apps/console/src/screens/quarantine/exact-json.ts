/**
 * A JSON value read without losing anything a person must see: numbers keep their exact text (a
 * 64-bit TimeStamp would be rounded by JSON.parse), strings keep their escapes as sent.
 */
export type JsonNode =
  | { type: 'object'; entries: Array<{ key: string; value: JsonNode }> }
  | { type: 'array'; items: JsonNode[] }
  | { type: 'scalar'; text: string };

export class JsonSyntaxError extends Error {}

/** Parses `text`, or throws JsonSyntaxError with the offset where it stops making sense. */
export function parseExactJson(text: string): JsonNode {
  let at = 0;
  const space = () => {
    while (at < text.length && ' \t\n\r'.includes(text[at])) at += 1;
  };
  const fail = (what: string): never => {
    throw new JsonSyntaxError(`${what} at character ${at}`);
  };
  const string = (): string => {
    const start = at;
    at += 1;
    while (at < text.length && text[at] !== '"') at += text[at] === '\\' ? 2 : 1;
    if (at >= text.length) fail('unterminated string');
    at += 1;
    return text.slice(start, at);
  };
  const value = (depth: number): JsonNode => {
    if (depth > 200) fail('nested too deep');
    space();
    const c = text[at];
    if (c === '{') {
      at += 1;
      const entries: Array<{ key: string; value: JsonNode }> = [];
      space();
      if (text[at] === '}') return (at += 1), { type: 'object', entries };
      for (;;) {
        space();
        if (text[at] !== '"') fail('expected a quoted name');
        const key = JSON.parse(string()) as string;
        space();
        if (text[at] !== ':') fail('expected ":"');
        at += 1;
        entries.push({ key, value: value(depth + 1) });
        space();
        if (text[at] === ',') at += 1;
        else if (text[at] === '}') return (at += 1), { type: 'object', entries };
        else fail('expected "," or "}"');
      }
    }
    if (c === '[') {
      at += 1;
      const items: JsonNode[] = [];
      space();
      if (text[at] === ']') return (at += 1), { type: 'array', items };
      for (;;) {
        items.push(value(depth + 1));
        space();
        if (text[at] === ',') at += 1;
        else if (text[at] === ']') return (at += 1), { type: 'array', items };
        else fail('expected "," or "]"');
      }
    }
    if (c === '"') return { type: 'scalar', text: string() };
    const literal = /^(-?\d+(\.\d+)?([eE][+-]?\d+)?|true|false|null)/.exec(text.slice(at, at + 400));
    if (literal === null) return fail('unexpected character');
    at += literal[0].length;
    return { type: 'scalar', text: literal[0] };
  };
  const root = value(0);
  space();
  if (at < text.length) fail('text after the end of the value');
  return root;
}

/** The path of a node as the gateway names it in its reasons: `Inserted[3].OrderNbr`, `TimeStamp`. */
export function childPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  return parent === '' ? key : `${parent}.${key}`;
}

/** `Inserted[3].OrderNbr` -> `Inserted[3]` -> `Inserted`. */
const parentPath = (path: string) => path.replace(/(\.[^.[\]]*|\[\d+\])$/, '');

/** Every path in a tree, as childPath names them ('' is the root). */
export function pathsOf(node: JsonNode, path = '', into = new Set<string>()): Set<string> {
  into.add(path);
  if (node.type === 'object') for (const { key, value } of node.entries) pathsOf(value, childPath(path, key), into);
  if (node.type === 'array') node.items.forEach((item, i) => pathsOf(item, childPath(path, i), into));
  return into;
}

/**
 * Where each reason goes in the pretty view: on the node it names or, for a field that is not
 * there (a key column the row lacks), on its nearest ancestor that is. Each reason keeps its own path.
 */
export function placeIssues(root: JsonNode, issues: ReadonlyArray<{ path: string; message: string }>): Map<string, string[]> {
  const paths = pathsOf(root);
  const placed = new Map<string, string[]>();
  for (const issue of issues) {
    let at = issue.path;
    while (at !== '' && !paths.has(at)) {
      const up = parentPath(at);
      at = up === at ? '' : up;
    }
    placed.set(at, [...(placed.get(at) ?? []), `${issue.path || '(body)'}: ${issue.message}`]);
  }
  return placed;
}
