/**
 * Mutations need the API key: `Authorization: Bearer <ATLAS_API_KEY>`. Without a key configured
 * on the server every mutation is refused (FORBIDDEN); a missing or wrong key is UNAUTHENTICATED.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { GraphQLError } from 'graphql';
import { config } from '../../core/config.js';
import type { AtlasContext } from '../context.js';

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

export function requireApiKey(ctx: AtlasContext): void {
  const key = config().apiKey;
  if (!key) {
    throw new GraphQLError('mutations are disabled on this server: set ATLAS_API_KEY to enable them', {
      extensions: { code: 'FORBIDDEN' },
    });
  }
  const header = ctx.authorization ?? '';
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!m) {
    throw new GraphQLError('this mutation needs an API key: send `Authorization: Bearer <key>`', {
      extensions: { code: 'UNAUTHENTICATED' },
    });
  }
  // Compare digests so that the comparison takes the same time whatever the key.
  if (!timingSafeEqual(digest(m[1]!), digest(key))) {
    throw new GraphQLError('the API key is not valid', { extensions: { code: 'UNAUTHENTICATED' } });
  }
}
