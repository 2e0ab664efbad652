import { Navigate, Route, Routes } from 'react-router';
import { DesktopLayout, HandheldLayout } from './layout/layouts';
import { KeysScreen } from './screens/admin/keys-screen';
import { TokensScreen } from './screens/admin/tokens-screen';
import { ChangesScreen } from './screens/changes/changes-screen';
import { DeadLettersScreen } from './screens/dead-letters/dead-letters-screen';
import { DocumentScreen } from './screens/documents/document-screen';
import { DocumentsScreen } from './screens/documents/documents-screen';
import { CountScreen } from './screens/handheld/count-screen';
import { PickScreen } from './screens/handheld/pick-screen';
import { ReceiveScreen } from './screens/handheld/receive-screen';
import { HealthScreen } from './screens/health/health-screen';
import { QuarantineScreen } from './screens/quarantine/quarantine-screen';
import { QuarantinedScreen } from './screens/quarantine/quarantined-screen';
import type { Role } from './session/session';
import { SignInScreen } from './session/sign-in-screen';

/** Where a role lands after signing in. */
export const homeOf = (role: Role) => (role === 'handheld' ? '/handheld/receive' : '/health');

/** Every screen is a route; the role decides which exist (the API refuses the rest anyway). */
export function AppRoutes({ role }: { role: Role | null }) {
  if (role === null) {
    return (
      <Routes>
        <Route path="/sign-in" element={<SignInScreen />} />
        <Route path="*" element={<Navigate to="/sign-in" replace />} />
      </Routes>
    );
  }
  const desktop = role === 'desktop' || role === 'admin';
  const handheld = role === 'handheld' || role === 'admin';
  return (
    <Routes>
      {desktop && (
        <Route element={<DesktopLayout role={role} />}>
          <Route path="/health" element={<HealthScreen />} />
          <Route path="/changes" element={<ChangesScreen />} />
          <Route path="/documents" element={<DocumentsScreen />} />
          <Route path="/documents/:topic" element={<DocumentScreen />} />
          <Route path="/quarantine" element={<QuarantineScreen />} />
          <Route path="/quarantine/:id" element={<QuarantinedScreen />} />
          <Route path="/dead-letters" element={<DeadLettersScreen />} />
          {role === 'admin' && <Route path="/admin/keys" element={<KeysScreen />} />}
          {role === 'admin' && <Route path="/admin/tokens" element={<TokensScreen />} />}
        </Route>
      )}
      {handheld && (
        <Route element={<HandheldLayout role={role} />}>
          <Route path="/handheld/receive" element={<ReceiveScreen />} />
          <Route path="/handheld/pick" element={<PickScreen />} />
          <Route path="/handheld/count" element={<CountScreen />} />
        </Route>
      )}
      <Route path="*" element={<Navigate to={homeOf(role)} replace />} />
    </Routes>
  );
}
