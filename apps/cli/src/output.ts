/** Where a command writes: plain lines for people, or exactly one JSON object with --json. */
export interface Output {
  json: boolean;
  line(text?: string): void;
  result(value: unknown): void;
}

export function consoleOutput(json: boolean, write: (text: string) => void = (text) => process.stdout.write(text)): Output {
  return {
    json,
    line: (text = '') => {
      if (!json) write(`${text}\n`);
    },
    result: (value) => {
      if (json) write(`${JSON.stringify(value, null, 2)}\n`);
    },
  };
}

export class UsageError extends Error {
  readonly code = 'USAGE';
}

export class CommandError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
