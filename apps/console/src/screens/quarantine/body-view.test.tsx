import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { PrettyBody } from './body-view';

afterEach(cleanup);

describe('the pretty view of a quarantined body', () => {
  it('shows values exactly as sent and each reason beside what it names', () => {
    const body = '{"Inserted":[{"Item":"A1","OrderQty":"ten"}],"TimeStamp":636295833829493672}';
    render(<PrettyBody body={body} issues={[{ path: 'Inserted[0].InventoryID', message: 'key column missing' }, { path: 'Inserted[0].OrderQty', message: 'not a number' }]} />);
    const pretty = screen.getByLabelText('Pretty-printed body');
    expect(pretty.textContent).toContain('"TimeStamp": 636295833829493672');
    const reasons = [...pretty.querySelectorAll('mark')].map((mark) => mark.textContent?.trim());
    expect(reasons).toEqual(['⟵ Inserted[0].OrderQty: not a number', '⟵ Inserted[0].InventoryID: key column missing']);
  });

  it('says a body that is not JSON has no pretty view', () => {
    render(<PrettyBody body={'{"Inserted": [1,'} issues={[]} />);
    expect(screen.getByText(/Not JSON, so no pretty view/)).toBeTruthy();
  });
});
