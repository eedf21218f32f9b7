/**
 * procMount_restricted (restricted, since v1.35): containers must keep the default /proc mount, even in a user
 * namespace; it restores, at restricted, the rule that baseline procMount relaxed for `hostUsers: false` at v1.35.
 * One variant, replacing procMount at restricted.
 */
import { majorMinor } from '../../api/version.ts';
import type { Check } from '../types.ts';
import { containerField } from './fields.ts';
import { evaluateProcMount } from './proc-mount.ts';

export const procMountRestricted: Check = {
  id: 'procMount_restricted',
  level: 'restricted',
  versions: [{ minimumVersion: majorMinor(35), evaluate: evaluateProcMount, overrides: ['procMount'] }],
  description: {
    summary: 'Containers must use the default /proc mount, user namespace or not.',
    fields: [containerField('securityContext.procMount')],
  },
};
