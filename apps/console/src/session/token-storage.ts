/** The token lives for the browser tab's session only: closing the tab signs out. */
const KEY = 'wmsi.token';

export const tokenStorage = {
  read: (): string | null => sessionStorage.getItem(KEY),
  write: (token: string) => sessionStorage.setItem(KEY, token),
  clear: () => sessionStorage.removeItem(KEY),
};
