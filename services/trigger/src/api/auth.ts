import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/**
 * An onRequest hook: every call needs `Authorization: Bearer <key>`, else
 * 401 with the reason. Both sides are hashed first so the comparison takes
 * the same time whatever the key's length and however much of it matches.
 */
export function bearerAuth(key: string) {
  const expected = digest(key);
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const header = request.headers.authorization;
    const m = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    const reason = !header
      ? 'missing Authorization header: send Authorization: Bearer <TRIGGER_API_KEY>'
      : !m?.[1]
        ? 'the Authorization header must be Bearer <key>'
        : timingSafeEqual(digest(m[1]), expected)
          ? undefined
          : 'wrong API key';
    if (reason) {
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer realm="pulse-trigger"')
        .send({ error: 'unauthorized', reason });
    }
  };
}
