import { NavLink, Outlet, useNavigate } from 'react-router';
import { useSession, type Role } from '../session/session';

function SignOut() {
  const { session, signOut } = useSession();
  const navigate = useNavigate();
  return (
    <span className="who">
      {session?.name} ({session?.role}){' '}
      <button
        type="button"
        onClick={() => {
          signOut();
          navigate('/sign-in', { replace: true });
        }}
      >
        Sign out
      </button>
    </span>
  );
}

/** The desktop screens, with admin's extra ones. */
export function DesktopLayout({ role }: { role: Role }) {
  return (
    <div className="desktop">
      <header>
        <strong className="brand">WMSi</strong>
        <nav aria-label="Screens">
          <NavLink to="/health">Health</NavLink>
          <NavLink to="/changes">Changes</NavLink>
          <NavLink to="/documents">Documents</NavLink>
          <NavLink to="/quarantine">Quarantine</NavLink>
          <NavLink to="/dead-letters">Dead letters</NavLink>
          {role === 'admin' && <NavLink to="/admin/keys">Keys</NavLink>}
          {role === 'admin' && <NavLink to="/admin/tokens">Tokens</NavLink>}
          {role === 'admin' && <NavLink to="/handheld/receive">Handheld</NavLink>}
        </nav>
        <SignOut />
      </header>
      <main>
        <Outlet />
      </main>
    </div>
  );
}

/** Narrow, big targets: what a scanner's screen and a gloved thumb need. */
export function HandheldLayout({ role }: { role: Role }) {
  return (
    <div className="handheld">
      <header>
        <nav aria-label="Screens">
          <NavLink to="/handheld/receive">Receive</NavLink>
          <NavLink to="/handheld/pick">Pick</NavLink>
          <NavLink to="/handheld/count">Count</NavLink>
          {role === 'admin' && <NavLink to="/health">Desktop</NavLink>}
        </nav>
        <SignOut />
      </header>
      <main>
        <Outlet />
      </main>
    </div>
  );
}
