import type { Database } from '@wmsi/db';
import { issueToken, revokeToken, ROLES, type Role } from '@wmsi/trpc';
import { CommandError, UsageError, type Output } from '../output.js';

const isRole = (role: string | undefined): role is Role => ROLES.includes(role as Role);

/** A client token for a handheld, a desktop or an admin: printed once, stored hashed. */
export async function createToken(db: Database, out: Output, role: string | undefined, name: string | undefined): Promise<void> {
  if (!isRole(role)) throw new UsageError(`tokens create --role <role> --name <name>: role is one of ${ROLES.join(', ')}`);
  if (!name?.trim()) throw new UsageError('tokens create --role <role> --name <name>: name says whose it is, e.g. "Scanner 12, dock 3"');
  const issued = await issueToken(db, role, name.trim());
  out.result({ id: issued.tokenId, role: issued.role, name: issued.name, token: issued.token });
  out.line(`${issued.tokenId}  ${issued.role}  ${issued.name}`);
  out.line(`  Token:  ${issued.token}`);
  out.line('Clients send it as "Authorization: Bearer <token>". It is shown only this once: WMSi keeps only its hash.');
}

export async function revokeTokenCommand(db: Database, out: Output, id: string | undefined): Promise<void> {
  if (!id) throw new UsageError('tokens revoke <id>: the id is the part of the token before the dot');
  if (!(await revokeToken(db, id))) throw new CommandError('TOKEN_NOT_FOUND', `No token with id ${id}.`);
  out.result({ id, revoked: true });
  out.line(`Revoked ${id}: calls with it are refused from now on.`);
}
