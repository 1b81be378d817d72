import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';

/** An identity provider for tests: an RS256 key pair whose public half is served as a JWKS on loopback. */
export interface TestIdp {
  jwksUrl: string;
  kid: string;
  privateKey: CryptoKey;
  /** The public key as PEM: what an algorithm-confusion attacker would use as an HMAC secret. */
  publicKeyPem: string;
  /** Times the JWKS was fetched. */
  fetches: number;
  close(): Promise<void>;
}

export async function startIdp(): Promise<TestIdp> {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const kid = 'test-key-1';
  const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' }] };
  const idp = { fetches: 0 } as TestIdp;
  const server: Server = createServer((req, res) => {
    if (req.url !== '/.well-known/jwks.json') {
      res.writeHead(404).end();
      return;
    }
    idp.fetches += 1;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jwks));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return Object.assign(idp, {
    jwksUrl: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    kid,
    privateKey,
    publicKeyPem: await exportSPKI(publicKey),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}

export interface SignOptions {
  alg: 'RS256' | 'HS256';
  key: CryptoKey | Uint8Array;
  kid?: string;
  issuer?: string;
  audience?: string;
  /** Seconds from now; negative for an expired token; undefined for no exp claim. */
  expiresIn?: number;
}

export async function signJwt(claims: JWTPayload, options: SignOptions): Promise<string> {
  const jwt = new SignJWT(claims).setProtectedHeader({ alg: options.alg, typ: 'JWT', ...(options.kid ? { kid: options.kid } : {}) }).setIssuedAt();
  if (options.issuer) jwt.setIssuer(options.issuer);
  if (options.audience) jwt.setAudience(options.audience);
  if (options.expiresIn !== undefined) jwt.setExpirationTime(Math.floor(Date.now() / 1000) + options.expiresIn);
  return jwt.sign(options.key);
}

/** An unsigned token (`alg: none`), as an attacker would send it. */
export function unsignedJwt(claims: JWTPayload): string {
  const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.`;
}
