import type { LookupAddress } from 'node:dns';
import http from 'node:http';
import { startReceiver, type Receiver } from '../testing/test-receiver.js';
import {
  assertUrlAllowed,
  createEgressPolicy,
  createGuardedLookup,
  DENIED_IPV4_RANGES,
  DENIED_IPV6_RANGES,
  EgressAllowListError,
  DestinationUnresolvedError,
  EgressDeniedError,
  lookup,
  type Resolver,
} from './egress.js';
import { createHttpClient } from './http.js';
import { HttpTransportError } from './http-error.js';
import { rejectionOf } from '../testing/rejection.js';

/** A resolver that answers from a table, like a DNS server we control. */
const tableResolver =
  (table: Record<string, string[]>): Resolver =>
  (hostname, _options, callback) => {
    const answers = table[hostname];
    if (!answers) return callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), []);
    return callback(
      null,
      answers.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
    );
  };

describe('the deny-list', () => {
  test('covers exactly the reliability notes tables', () => {
    expect(DENIED_IPV4_RANGES.map((r) => r.cidr)).toEqual([
      '0.0.0.0/8',
      '10.0.0.0/8',
      '100.64.0.0/10',
      '127.0.0.0/8',
      '169.254.0.0/16',
      '172.16.0.0/12',
      '192.0.0.0/24',
      '192.0.2.0/24',
      '192.88.99.0/24',
      '192.168.0.0/16',
      '198.18.0.0/15',
      '198.51.100.0/24',
      '203.0.113.0/24',
      '224.0.0.0/4',
      '240.0.0.0/4',
      '255.255.255.255/32',
    ]);
    expect(DENIED_IPV6_RANGES.map((r) => r.cidr).sort()).toEqual(
      ['::/8', '64:ff9b:1::/48', '64:ff9b::/32', '100::/64', '2001::/32', '2001:db8::/32', '2002::/16', '3fff::/20', '5f00::/16', 'fc00::/7', 'fe80::/10', 'fec0::/10', 'ff00::/8'].sort(),
    );
  });
});

describe('createEgressPolicy without an allow-list', () => {
  const policy = createEgressPolicy([]);

  // Hand-written, one or more per range (first and last addresses where it matters), so the
  // test does not agree with the table by construction.
  const denied: Array<[string, string]> = [
    ['0.0.0.0', '0.0.0.0/8'],
    ['0.255.255.255', '0.0.0.0/8'],
    ['10.0.0.1', '10.0.0.0/8'],
    ['10.255.255.255', '10.0.0.0/8'],
    ['100.64.0.1', '100.64.0.0/10'],
    ['100.127.255.254', '100.64.0.0/10'],
    ['127.0.0.1', '127.0.0.0/8'],
    ['127.255.255.254', '127.0.0.0/8'],
    ['169.254.169.254', '169.254.0.0/16'],
    ['169.254.170.2', '169.254.0.0/16'],
    ['172.16.0.1', '172.16.0.0/12'],
    ['172.31.255.255', '172.16.0.0/12'],
    ['192.0.0.8', '192.0.0.0/24'],
    ['192.0.2.1', '192.0.2.0/24'],
    ['192.88.99.1', '192.88.99.0/24'],
    ['192.168.1.1', '192.168.0.0/16'],
    ['198.18.0.1', '198.18.0.0/15'],
    ['198.19.255.255', '198.18.0.0/15'],
    ['198.51.100.7', '198.51.100.0/24'],
    ['203.0.113.9', '203.0.113.0/24'],
    ['224.0.0.251', '224.0.0.0/4'],
    ['239.255.255.250', '224.0.0.0/4'],
    ['240.0.0.1', '240.0.0.0/4'],
    ['255.255.255.254', '240.0.0.0/4'],
    ['255.255.255.255', '255.255.255.255/32'],
    // IPv6 spellings of IPv4 addresses: checked as the IPv4 address.
    ['::ffff:127.0.0.1', '127.0.0.0/8'],
    ['::ffff:7f00:1', '127.0.0.0/8'],
    ['::127.0.0.1', '127.0.0.0/8'],
    ['::7f00:1', '127.0.0.0/8'],
    ['::ffff:169.254.169.254', '169.254.0.0/16'],
    ['::ffff:10.0.0.1', '10.0.0.0/8'],
    ['::0.0.0.2', '0.0.0.0/8'],
    // The rest of ::/8.
    ['::', '::/8'],
    ['::1', '::/8'],
    ['::ffff:0:7f00:1', '::/8'], // SIIT
    ['::5efe:c000:201', '::/8'], // ISATAP-like
    ['0:0:0:0:1::', '::/8'],
    ['ff:ffff::1', '::/8'],
    // NAT64: the well-known /96 is decoded, everything else in 64:ff9b::/32 is denied.
    ['64:ff9b::7f00:1', '127.0.0.0/8'],
    ['64:ff9b::169.254.169.254', '169.254.0.0/16'],
    ['64:ff9b::a00:1', '10.0.0.0/8'],
    ['64:ff9b:1::1', '64:ff9b:1::/48'],
    ['64:ff9b:2::1', '64:ff9b::/32'],
    ['100::1', '100::/64'],
    ['100::ffff:ffff:ffff:ffff', '100::/64'],
    ['2001::1', '2001::/32'],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', '2001::/32'],
    ['2001:db8::1', '2001:db8::/32'],
    ['2002:7f00:1::1', '2002::/16'],
    ['2002:5db8:d70e::1', '2002::/16'],
    ['3fff::1', '3fff::/20'],
    ['3fff:fff:ffff::1', '3fff::/20'],
    ['5f00::1', '5f00::/16'],
    ['fc00::1', 'fc00::/7'],
    ['fd00:ec2::254', 'fc00::/7'],
    ['fdff:ffff::1', 'fc00::/7'],
    ['fe80::1', 'fe80::/10'],
    ['fe80::1%eth0', 'fe80::/10'],
    ['febf:ffff::1', 'fe80::/10'],
    ['fec0::1', 'fec0::/10'],
    ['feff::1', 'fec0::/10'],
    ['ff02::1', 'ff00::/8'],
    ['ff0e::1', 'ff00::/8'],
    ['[::1]', '::/8'],
  ];

  test.each(denied)('denies %s (%s)', (ip, range) => {
    expect(policy.isAllowed(ip)).toBe(false);
    const verdict = policy.check(ip);
    expect(verdict).toMatchObject({ allowed: false, range });
  });

  const allowed = [
    '93.184.215.14',
    '1.1.1.1',
    '8.8.8.8',
    '100.63.255.255', // just below 100.64.0.0/10
    '100.128.0.0', // just above it
    '172.15.255.255',
    '172.32.0.1',
    '198.17.255.255',
    '198.20.0.1',
    '223.255.255.255',
    '2606:4700::1111',
    '2001:4860:4860::8888', // outside 2001::/32
    '2a00:1450:4001:80b::200e',
    '3fff:1000::1', // just above 3fff::/20
    '::ffff:93.184.215.14', // mapped public address
    '64:ff9b::5db8:d70e', // NAT64 of 93.184.215.14
    '64:ff9b::1.1.1.1',
  ];

  test.each(allowed)('allows %s', (ip) => {
    expect(policy.isAllowed(ip)).toBe(true);
    expect(policy.check(ip)).toEqual({ allowed: true, via: 'public' });
    expect(policy.isExplicitlyAllowed(ip)).toBe(false);
  });

  test.each(['', 'not-an-ip', '1.2.3.4.5', '::g', 'localhost'])('denies %j, which is not an address', (ip) => {
    expect(policy.isAllowed(ip)).toBe(false);
  });
});

describe('createEgressPolicy with an allow-list', () => {
  test('127.0.0.0/8 exempts loopback IPv4, including its mapped spelling, and nothing else', () => {
    const policy = createEgressPolicy(['127.0.0.0/8']);
    for (const ip of ['127.0.0.1', '127.1.2.3', '::ffff:127.0.0.1']) {
      expect(policy.isAllowed(ip)).toBe(true);
      expect(policy.isExplicitlyAllowed(ip)).toBe(true);
      expect(policy.check(ip)).toEqual({ allowed: true, via: 'allow_list' });
    }
    for (const ip of ['::1', '10.0.0.1', '169.254.169.254', '0.0.0.0', '64:ff9b::7f00:1']) expect(policy.isAllowed(ip)).toBe(false);
  });

  test('takes single addresses, IPv6 CIDRs, and ignores blank entries', () => {
    const policy = createEgressPolicy(['10.1.2.3', ' fd00:1234::/32 ', '']);
    expect(policy.isAllowed('10.1.2.3')).toBe(true);
    expect(policy.isAllowed('10.1.2.4')).toBe(false);
    expect(policy.isAllowed('fd00:1234::5')).toBe(true);
    expect(policy.isAllowed('fd00:1235::5')).toBe(false);
  });

  test.each(['10.0.0.0/33', 'not-a-cidr', '10.0.0.0/8/8', '::/129'])('rejects the entry %j with a stable code', (entry) => {
    let thrown: unknown;
    try {
      createEgressPolicy([entry]);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(EgressAllowListError);
    expect(thrown).toMatchObject({ code: 'egress_allow_invalid', entry });
  });
});

describe('assertUrlAllowed', () => {
  const policy = createEgressPolicy([]);
  const publicDns = tableResolver({ 'hooks.example.com': ['93.184.215.14', '2606:4700::1111'] });

  test.each([
    ['http://localhost/', 'hostname'],
    ['http://LOCALHOST./', 'hostname'],
    ['http://127.1/', 'address'],
    ['http://0x7f000001/', 'address'],
    ['http://2130706433/', 'address'],
    ['http://[::1]/', 'address'],
    ['http://[::ffff:127.0.0.1]/', 'address'],
    ['http://[fd00:ec2::254]/latest/meta-data/', 'address'],
    ['http://169.254.169.254/latest/meta-data/', 'address'],
    ['http://0.0.0.0:8080/', 'address'],
    ['http://100.64.0.1/', 'address'],
    ['ftp://x', 'scheme'],
    ['file:///etc/passwd', 'scheme'],
    ['gopher://hooks.example.com/', 'scheme'],
    ['https://user:pass@hooks.example.com/', 'userinfo'],
    ['https://user@hooks.example.com/', 'userinfo'],
    ['https://hooks.example.com/a\r\nX-Injected: 1', 'control_characters'],
    ['https://hooks.example.com/a\nb', 'control_characters'],
    ['https://hooks.example.com/\tpath', 'control_characters'],
    ['https://hooks.example.com/a b', 'control_characters'],
    ['not-a-url', 'invalid_url'],
    ['/relative', 'invalid_url'],
  ])('refuses %j (%s)', async (url, reason) => {
    const error = await rejectionOf(assertUrlAllowed(url, policy, { resolver: publicDns }));
    expect(error).toBeInstanceOf(EgressDeniedError);
    expect(error).toMatchObject({ code: 'egress_denied', reason });
  });

  test('localhost is refused through the real resolver too', async () => {
    await expect(assertUrlAllowed('http://localhost:8080/hook', policy)).rejects.toMatchObject({ code: 'egress_denied', reason: 'hostname' });
  });

  test.each(['http://metadata.google.internal/computeMetadata/v1/', 'http://app.localhost/', 'http://printer.local/', 'http://db.corp.internal/', 'http://metadata.amazonaws.com/'])(
    'refuses the internal name in %s even when it resolves to a public address',
    async (url) => {
      const resolver: Resolver = (_host, _options, callback) => callback(null, [{ address: '93.184.215.14', family: 4 }]);
      await expect(assertUrlAllowed(url, policy, { resolver })).rejects.toMatchObject({ code: 'egress_denied', reason: 'hostname' });
    },
  );

  test('allows an internal name only when every address is on the allow-list', async () => {
    const resolver = tableResolver({ localhost: ['127.0.0.1', '::1'] });
    await expect(assertUrlAllowed('http://localhost/', createEgressPolicy(['127.0.0.0/8', '::1']), { resolver })).resolves.toBeUndefined();
    await expect(assertUrlAllowed('http://localhost/', createEgressPolicy(['127.0.0.0/8']), { resolver })).rejects.toMatchObject({ reason: 'hostname' });
  });

  test('allows a public name and public literals', async () => {
    await expect(assertUrlAllowed('https://hooks.example.com/services/T0/B0/x?y=1', policy, { resolver: publicDns })).resolves.toBeUndefined();
    await expect(assertUrlAllowed('https://93.184.215.14:8443/hook', policy)).resolves.toBeUndefined();
    await expect(assertUrlAllowed('https://[2606:4700::1111]/hook', policy)).resolves.toBeUndefined();
  });

  test('refuses a name when ANY of its addresses is denied', async () => {
    const resolver = tableResolver({ 'mixed.example.com': ['93.184.215.14', '10.0.0.5'] });
    await expect(assertUrlAllowed('https://mixed.example.com/', policy, { resolver })).rejects.toMatchObject({
      reason: 'address',
      address: '10.0.0.5',
      range: '10.0.0.0/8',
    });
  });

  test('the allow-list exempts a loopback literal', async () => {
    await expect(assertUrlAllowed('http://127.0.0.1:8080/hook', createEgressPolicy(['127.0.0.0/8']))).resolves.toBeUndefined();
  });

  test('error messages name the host, never the path, query or userinfo', async () => {
    for (const url of ['http://169.254.169.254/T000/B000/s3cr3tpath?token=s3cr3tquery', 'https://alice:s3cr3tpw@hooks.example.com/s3cr3tpath']) {
      const error = (await rejectionOf(assertUrlAllowed(url, policy, { resolver: publicDns }))) as Error;
      expect(error.message).not.toMatch(/s3cr3t/);
    }
  });

  test('a resolution failure is its own error, not reported as a denial', async () => {
    const error = await rejectionOf(assertUrlAllowed('https://nx.example.com/', policy, { resolver: publicDns }));
    expect(error).not.toBeInstanceOf(EgressDeniedError);
    expect(error).toBeInstanceOf(DestinationUnresolvedError);
    expect(error).toMatchObject({ code: 'destination_unresolved', host: 'nx.example.com', resolverCode: 'ENOTFOUND', cause: { code: 'ENOTFOUND' } });
  });
});

describe('the guarded lookup', () => {
  const policy = createEgressPolicy([]);

  const call = (fn: ReturnType<typeof createGuardedLookup>, host: string, options: object) =>
    new Promise<{ error: NodeJS.ErrnoException | null; address: unknown; family: unknown }>((resolve) =>
      fn(host, options, (error, address, family) => resolve({ error, address, family })),
    );

  test('answers {all: true} with every checked address, and single lookups with the first', async () => {
    const guarded = createGuardedLookup(policy, tableResolver({ 'hooks.example.com': ['93.184.215.14', '2606:4700::1111'] }));
    const all = await call(guarded, 'hooks.example.com', { all: true });
    expect(all.error).toBeNull();
    expect(all.address).toEqual([
      { address: '93.184.215.14', family: 4 },
      { address: '2606:4700::1111', family: 6 },
    ]);
    const one = await call(guarded, 'hooks.example.com', {});
    expect(one).toEqual({ error: null, address: '93.184.215.14', family: 4 });
  });

  test.each([{ all: true }, {}, { family: 4 }])('fails with code egress_denied when any answer is denied (%j)', async (options) => {
    const guarded = createGuardedLookup(policy, tableResolver({ 'rebind.example.com': ['93.184.215.14', '127.0.0.1'] }));
    const { error } = await call(guarded, 'rebind.example.com', options);
    expect(error).toBeInstanceOf(EgressDeniedError);
    expect(error).toMatchObject({ code: 'egress_denied', address: '127.0.0.1' });
  });

  test('accepts the legacy (hostname, family, callback) and (hostname, callback) forms', async () => {
    const guarded = createGuardedLookup(policy, tableResolver({ 'hooks.example.com': ['93.184.215.14'] })) as unknown as (...args: unknown[]) => void;
    const viaFamily = await new Promise((resolve) => guarded('hooks.example.com', 4, (_e: unknown, address: unknown) => resolve(address)));
    const viaCallback = await new Promise((resolve) => guarded('hooks.example.com', (_e: unknown, address: unknown) => resolve(address)));
    expect([viaFamily, viaCallback]).toEqual(['93.184.215.14', '93.184.215.14']);
  });

  test('a resolver that answers synchronously is still checked, and the callback stays asynchronous', async () => {
    const syncResolver: Resolver = (_host, _options, callback) => callback(null, [{ address: '169.254.169.254', family: 4 }]);
    const guarded = createGuardedLookup(policy, syncResolver);
    let returned = false;
    const result = new Promise<{ error: unknown; sawReturn: boolean }>((resolve) =>
      guarded('imds.example.com', { all: true }, (error) => resolve({ error, sawReturn: returned })),
    );
    returned = true;
    const { error, sawReturn } = await result;
    expect(sawReturn).toBe(true);
    expect(error).toMatchObject({ code: 'egress_denied', address: '169.254.169.254' });
  });

  test('the exported lookup uses the real resolver and denies localhost', async () => {
    const { error } = await call(lookup, 'localhost', { all: true });
    expect(error).toMatchObject({ code: 'egress_denied' });
  });

  describe('with a real server', () => {
    let receiver: Receiver;
    beforeAll(async () => {
      receiver = await startReceiver();
    });
    afterAll(() => receiver.close());
    beforeEach(() => receiver.reset());

    test.each([true, false])("plugs into node:http's lookup option (autoSelectFamily: %s)", async (autoSelectFamily) => {
      const port = Number(new URL(receiver.url).port);
      const guarded = createGuardedLookup(policy, tableResolver({ 'receiver.test': ['127.0.0.1'] }));
      // autoSelectFamily reaches net.connect through http's options; @types/node 20 does not list it.
      const options: http.RequestOptions & { autoSelectFamily: boolean } = { host: 'receiver.test', port, path: '/', lookup: guarded, autoSelectFamily, agent: false };
      const error = await new Promise<unknown>((resolve) => {
        const req = http.get(options, (res) => {
          res.resume();
          resolve(undefined);
        });
        req.on('error', resolve);
      });
      expect(error).toMatchObject({ code: 'egress_denied' });
      expect(receiver.requests).toHaveLength(0);
    });

    test('DNS rebinding: a name that passed the save-time check is refused at connect time', async () => {
      let calls = 0;
      const rebinding: Resolver = (_host, _options, callback) => {
        calls += 1;
        const address = calls === 1 ? '93.184.215.14' : '127.0.0.1';
        callback(null, [{ address, family: 4 } satisfies LookupAddress]);
      };
      const url = `http://rebind.example.com:${new URL(receiver.url).port}/hook`;
      await expect(assertUrlAllowed(url, policy, { resolver: rebinding })).resolves.toBeUndefined();

      const client = createHttpClient({ resolver: rebinding, timeoutMs: 2_000 });
      const error = await rejectionOf(client.request({ method: 'POST', url, body: '{}' }));
      expect(error).toBeInstanceOf(HttpTransportError);
      expect(error).toMatchObject({ code: 'egress_denied' });
      expect(receiver.requests).toHaveLength(0);
    });

    test('a name is connected to through the guard: allowed addresses are reached', async () => {
      const client = createHttpClient({ egressAllow: ['127.0.0.0/8'], resolver: tableResolver({ 'receiver.test': ['127.0.0.1'] }) });
      const response = await client.request({ method: 'GET', url: `http://receiver.test:${new URL(receiver.url).port}/by-name` });
      expect(response.status).toBe(200);
      expect(receiver.requests.map((r) => r.path)).toEqual(['/by-name']);
    });
  });
});

describe('the HTTP client and the egress guard', () => {
  let receiver: Receiver;
  let elsewhere: Receiver;
  beforeAll(async () => {
    receiver = await startReceiver();
    elsewhere = await startReceiver();
  });
  afterAll(async () => {
    await receiver.close();
    await elsewhere.close();
  });
  beforeEach(() => {
    receiver.reset();
    elsewhere.reset();
  });

  test('refuses a loopback receiver without the allow-list, before connecting', async () => {
    const error = await rejectionOf(createHttpClient().request({ method: 'POST', url: `${receiver.url}/hook`, body: '{}' }));
    expect(error).toBeInstanceOf(HttpTransportError);
    expect(error).toMatchObject({ code: 'egress_denied', cause: { code: 'egress_denied', range: '127.0.0.0/8' } });
    expect(receiver.requests).toHaveLength(0);
  });

  test('refuses [::1] and a mapped loopback literal without the allow-list', async () => {
    const port = new URL(receiver.url).port;
    for (const url of [`http://[::1]:${port}/`, `http://[::ffff:127.0.0.1]:${port}/`, `http://localhost:${port}/`]) {
      await expect(createHttpClient().request({ method: 'GET', url })).rejects.toMatchObject({ code: 'egress_denied' });
    }
    expect(receiver.requests).toHaveLength(0);
  });

  test('reaches the loopback receiver with egressAllow 127.0.0.0/8', async () => {
    const response = await createHttpClient({ egressAllow: ['127.0.0.0/8'] }).request({ method: 'POST', url: `${receiver.url}/hook`, body: '{}' });
    expect(response.status).toBe(200);
    expect(receiver.requests).toHaveLength(1);
  });

  test('does not follow a redirect to a loopback URL: the 302 is returned', async () => {
    receiver.script({ status: 302, headers: { location: `${elsewhere.url}/internal` } });
    const response = await createHttpClient({ egressAllow: ['127.0.0.0/8'] }).request({ method: 'POST', url: `${receiver.url}/hook`, body: '{}' });
    expect(response.status).toBe(302);
    expect(response.headers.location).toBe(`${elsewhere.url}/internal`);
    expect(elsewhere.requests).toHaveLength(0);
  });

  test('ignores proxies from the environment', async () => {
    const saved = { HTTP_PROXY: process.env.HTTP_PROXY, http_proxy: process.env.http_proxy, NO_PROXY: process.env.NO_PROXY };
    process.env.HTTP_PROXY = elsewhere.url;
    process.env.http_proxy = elsewhere.url;
    delete process.env.NO_PROXY;
    try {
      const response = await createHttpClient({ egressAllow: ['127.0.0.0/8'] }).request({ method: 'GET', url: `${receiver.url}/direct` });
      expect(response.status).toBe(200);
      expect(receiver.requests).toHaveLength(1);
      expect(elsewhere.requests).toHaveLength(0);
    } finally {
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  });
});
