import { forwardRef, useState, type FormEvent, type InputHTMLAttributes } from 'react';

interface ScanFieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'onSubmit'> {
  label: string;
  /** Called on Enter (what a keyboard-wedge scanner sends after the code) with the trimmed value. */
  onEnter(value: string): void;
  /** Clears the field after Enter, ready for the next scan. */
  clearOnEnter?: boolean;
  initial?: string;
}

/** A big labelled field that acts on Enter: typed by a person or by a scanner. */
export const ScanField = forwardRef<HTMLInputElement, ScanFieldProps>(function ScanField({ label, onEnter, clearOnEnter, initial = '', ...input }, ref) {
  const [value, setValue] = useState(initial);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (value.trim() === '') return;
    onEnter(value.trim());
    if (clearOnEnter) setValue('');
  };
  return (
    <form onSubmit={submit} className="scan">
      <label>
        {label}
        <input ref={ref} value={value} onChange={(e) => setValue(e.target.value)} autoComplete="off" autoCapitalize="characters" enterKeyHint="go" {...input} />
      </label>
    </form>
  );
});
