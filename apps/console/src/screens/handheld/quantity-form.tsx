import { forwardRef, useState, type FormEvent } from 'react';

interface QuantityFormProps {
  /** The button's words: "Receive", "Pick". */
  action: string;
  disabled: boolean;
  busy: boolean;
  /** Called with the quantity (positive) on the button or on Enter in the field. */
  onBook(qty: number): void;
}

/**
 * Quantity, 1 unless changed, then the action. Enter in the field books as the button does; the
 * button is disabled while a booking is on its way, and the booking's operation id makes a second
 * send of it harmless anyway.
 */
export const QuantityForm = forwardRef<HTMLInputElement, QuantityFormProps>(function QuantityForm({ action, disabled, busy, onBook }, ref) {
  const [qty, setQty] = useState('1');
  const [problem, setProblem] = useState<string | null>(null);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const value = Number(qty.replace(',', '.'));
    if (!Number.isFinite(value) || value <= 0) return setProblem('The quantity must be a number above 0.');
    setProblem(null);
    onBook(value);
    setQty('1');
  };
  return (
    <form onSubmit={submit} className="scan">
      <label>
        Quantity
        <input ref={ref} value={qty} onChange={(e) => setQty(e.target.value)} inputMode="decimal" autoComplete="off" enterKeyHint="done" />
      </label>
      {problem && <p role="alert" className="error">{problem}</p>}
      <button type="submit" className="primary" disabled={disabled || busy}>
        {busy ? `${action}…` : action}
      </button>
    </form>
  );
});
