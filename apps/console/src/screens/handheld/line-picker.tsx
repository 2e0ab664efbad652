export interface PickableLine {
  lineNbr: number;
  inventoryId: string | null;
  description: string | null;
  /** What is still open on the line (a decimal string), as the API computes it. */
  open: string;
  removed: boolean;
}

/** The lines as big buttons: tap one, or scan its item; the chosen one is pressed. */
export function LinePicker({ lines, selected, onSelect, openLabel }: { lines: readonly PickableLine[]; selected: number | null; onSelect(lineNbr: number): void; openLabel: string }) {
  return (
    <ul className="lines" aria-label="Lines">
      {lines.map((line) => (
        <li key={line.lineNbr}>
          <button
            type="button"
            aria-pressed={selected === line.lineNbr}
            disabled={line.removed}
            onClick={() => onSelect(line.lineNbr)}
            aria-label={`Line ${line.lineNbr}, ${line.inventoryId ?? 'no item'}, ${openLabel} ${line.open}`}
          >
            <span className="line-item">
              {line.lineNbr}. {line.inventoryId ?? '—'}
            </span>
            <span className="line-desc">{line.description ?? ''}</span>
            <span className="line-open">
              {openLabel}: <strong>{line.open}</strong>
            </span>
          </button>
        </li>
      ))}
    </ul>
  );
}

/** The open line for a scanned code: by inventory id (as typed or scanned), or by the item a barcode names. */
export function lineForItem(lines: readonly PickableLine[], inventoryId: string): PickableLine | undefined {
  const wanted = inventoryId.trim().toUpperCase();
  const matching = lines.filter((line) => !line.removed && (line.inventoryId ?? '').trim().toUpperCase() === wanted);
  // An item on two lines: the first that still has something open.
  return matching.find((line) => Number(line.open) > 0) ?? matching[0];
}
