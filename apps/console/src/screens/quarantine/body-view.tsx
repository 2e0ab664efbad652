import type { ReactNode } from 'react';
import { childPath, JsonSyntaxError, parseExactJson, placeIssues, type JsonNode } from './exact-json';

export interface FieldIssue {
  path: string;
  message: string;
}

/**
 * The body pretty-printed, each field or row the gateway refused marked with its reason beside
 * it. Values are shown exactly as sent (see exact-json.ts).
 */
export function PrettyBody({ body, issues }: { body: string; issues: readonly FieldIssue[] }) {
  let root: JsonNode;
  try {
    root = parseExactJson(body);
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error;
    return <p className="warn">Not JSON, so no pretty view: {error.message}. The raw body above is exactly what was received.</p>;
  }
  const byPath = placeIssues(root, issues);
  return (
    <pre className="pretty" aria-label="Pretty-printed body">
      {reasons('', byPath)}
      {byPath.has('') ? '\n' : ''}
      {render(root, '', 0, byPath)}
    </pre>
  );
}

const pad = (depth: number) => '  '.repeat(depth);

function reasons(path: string, byPath: Map<string, string[]>): ReactNode {
  const messages = byPath.get(path);
  if (!messages) return null;
  return (
    <mark className="reason">
      {' '}⟵ {messages.join('; ')}
    </mark>
  );
}

function render(node: JsonNode, path: string, depth: number, byPath: Map<string, string[]>): ReactNode {
  if (node.type === 'scalar') return node.text;
  if (node.type === 'array') {
    if (node.items.length === 0) return '[]';
    return (
      <>
        {'['}
        {node.items.map((item, i) => {
          const itemPath = childPath(path, i);
          return (
            <span key={i}>
              {'\n'}
              {pad(depth + 1)}
              {render(item, itemPath, depth + 1, byPath)}
              {i < node.items.length - 1 ? ',' : ''}
              {reasons(itemPath, byPath)}
            </span>
          );
        })}
        {'\n'}
        {pad(depth)}
        {']'}
      </>
    );
  }
  if (node.entries.length === 0) return '{}';
  return (
    <>
      {'{'}
      {node.entries.map(({ key, value }, i) => {
        const fieldPath = childPath(path, key);
        return (
          <span key={`${key}:${i}`}>
            {'\n'}
            {pad(depth + 1)}
            {JSON.stringify(key)}: {render(value, fieldPath, depth + 1, byPath)}
            {i < node.entries.length - 1 ? ',' : ''}
            {reasons(fieldPath, byPath)}
          </span>
        );
      })}
      {'\n'}
      {pad(depth)}
      {'}'}
    </>
  );
}
