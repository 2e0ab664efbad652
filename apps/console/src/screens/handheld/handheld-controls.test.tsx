import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LinePicker, lineForItem, type PickableLine } from './line-picker';
import { QuantityForm } from './quantity-form';
import { ScanField } from './scan-field';

afterEach(cleanup);

const lines: PickableLine[] = [
  { lineNbr: 1, inventoryId: 'AALEGO500', description: 'Lego', open: '0', removed: false },
  { lineNbr: 2, inventoryId: 'CONGRILL', description: 'Grill', open: '4', removed: false },
  { lineNbr: 3, inventoryId: 'AALEGO500', description: 'Lego', open: '6', removed: false },
  { lineNbr: 4, inventoryId: 'FOODCHICK', description: 'Gone', open: '2', removed: true },
];

describe('handheld controls: every field acts on Enter, as a keyboard-wedge scanner sends it', () => {
  it('hands a scanned code over on Enter, trimmed, and clears for the next scan', async () => {
    const onEnter = vi.fn();
    render(<ScanField label="Item" clearOnEnter onEnter={onEnter} />);
    await userEvent.type(screen.getByLabelText('Item'), ' AALEGO500 {Enter}');
    expect(onEnter).toHaveBeenCalledWith('AALEGO500');
    expect(screen.getByLabelText('Item')).toHaveProperty('value', '');
  });

  it('books 1 unless changed, on the button or on Enter, and refuses a quantity that is not above 0', async () => {
    const onBook = vi.fn();
    render(<QuantityForm action="Receive" disabled={false} busy={false} onBook={onBook} />);
    await userEvent.click(screen.getByRole('button', { name: 'Receive' }));
    expect(onBook).toHaveBeenLastCalledWith(1);
    await userEvent.clear(screen.getByLabelText('Quantity'));
    await userEvent.type(screen.getByLabelText('Quantity'), '2,5{Enter}');
    expect(onBook).toHaveBeenLastCalledWith(2.5);
    await userEvent.clear(screen.getByLabelText('Quantity'));
    await userEvent.type(screen.getByLabelText('Quantity'), '0{Enter}');
    expect(onBook).toHaveBeenCalledTimes(2);
    expect(screen.getByRole('alert').textContent).toMatch(/above 0/);
  });

  it('shows the lines as big buttons with their open quantity, the chosen one pressed, removed ones disabled', async () => {
    const onSelect = vi.fn();
    render(<LinePicker lines={lines} selected={3} onSelect={onSelect} openLabel="Open" />);
    expect(screen.getByRole('button', { name: 'Line 3, AALEGO500, Open 6' }).getAttribute('aria-pressed')).toBe('true');
    expect(screen.getByRole('button', { name: 'Line 4, FOODCHICK, Open 2' })).toHaveProperty('disabled', true);
    await userEvent.click(screen.getByRole('button', { name: 'Line 2, CONGRILL, Open 4' }));
    expect(onSelect).toHaveBeenCalledWith(2);
  });

  it('selects, for a scanned item, its line that still has something open', () => {
    expect(lineForItem(lines, 'aalego500 ')?.lineNbr).toBe(3);
    expect(lineForItem(lines, 'FOODCHICK')).toBeUndefined();
    expect(lineForItem(lines, 'NOPE')).toBeUndefined();
  });
});
