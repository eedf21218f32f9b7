import { sysctls } from './sysctls.ts';
import { describeCheckCases } from '../testing/check-table.ts';

const pod = (...names: string[]) => ({ securityContext: { sysctls: names.map((name) => ({ name, value: '1' })) } });
const forbiddenAt = (name: string, versions: number[]) =>
  ({ name: `${name} forbidden`, versions, spec: pod(name), expect: ['forbidden sysctls', name] }) as const;
const allowedAt = (name: string, versions: number[]) =>
  ({ name: `${name} allowed`, versions, spec: pod(name), expect: 'allowed' }) as const;

describeCheckCases(sysctls, [
  { name: 'no sysctls', spec: {}, expect: 'allowed' },
  { name: 'empty list', spec: pod(), expect: 'allowed' },
  {
    name: 'v1.0 allowed set',
    spec: pod(
      'kernel.shm_rmid_forced',
      'net.ipv4.ip_local_port_range',
      'net.ipv4.tcp_syncookies',
      'net.ipv4.ping_group_range',
      'net.ipv4.ip_unprivileged_port_start',
    ),
    expect: 'allowed',
  },
  { name: 'a, b (spec example)', spec: pod('a', 'b'), expect: ['forbidden sysctls', 'a, b'] },
  {
    name: 'always plural, spec order, duplicates kept',
    spec: pod('z', 'kernel.shm_rmid_forced', 'a', 'z'),
    expect: ['forbidden sysctls', 'z, a, z'],
  },
  {
    name: 'slash form is not normalized',
    spec: pod('net/ipv4/tcp_syncookies'),
    expect: ['forbidden sysctls', 'net/ipv4/tcp_syncookies'],
  },
  {
    name: 'no prefix matching',
    spec: pod('net.ipv4.tcp_syncookies.x', 'kernel.'),
    expect: ['forbidden sysctls', 'net.ipv4.tcp_syncookies.x, kernel.'],
  },
  { name: 'empty name is forbidden', spec: pod('', 'a'), expect: ['forbidden sysctls', ', a'] },
  forbiddenAt('net.ipv4.ip_local_reserved_ports', [0, 26]),
  allowedAt('net.ipv4.ip_local_reserved_ports', [27, 29, 37]),
  forbiddenAt('net.ipv4.tcp_keepalive_time', [0, 27, 28]),
  allowedAt('net.ipv4.tcp_keepalive_time', [29, 37]),
  forbiddenAt('net.ipv4.tcp_fin_timeout', [28]),
  allowedAt('net.ipv4.tcp_fin_timeout', [29]),
  forbiddenAt('net.ipv4.tcp_keepalive_intvl', [28]),
  allowedAt('net.ipv4.tcp_keepalive_intvl', [29]),
  forbiddenAt('net.ipv4.tcp_keepalive_probes', [28]),
  allowedAt('net.ipv4.tcp_keepalive_probes', [29]),
  // Spec example: tcp_rmem forbidden at v1.31, allowed from v1.32.
  forbiddenAt('net.ipv4.tcp_rmem', [0, 29, 31]),
  allowedAt('net.ipv4.tcp_rmem', [32, 37]),
  forbiddenAt('net.ipv4.tcp_wmem', [31]),
  allowedAt('net.ipv4.tcp_wmem', [32]),
  forbiddenAt('net.ipv4.tcp_slow_start_after_idle', [0, 32, 36]),
  allowedAt('net.ipv4.tcp_slow_start_after_idle', [37]),
  forbiddenAt('net.ipv4.tcp_notsent_lowat', [36]),
  allowedAt('net.ipv4.tcp_notsent_lowat', [37]),
]);
