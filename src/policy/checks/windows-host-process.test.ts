import { windowsHostProcess } from './windows-host-process.ts';
import { describeCheckCases } from '../testing/check-table.ts';

const hp = (name: string, hostProcess?: boolean) => ({
  name,
  securityContext: { windowsOptions: hostProcess === undefined ? {} : { hostProcess } },
});

describeCheckCases(windowsHostProcess, [
  { name: 'empty pod', spec: {}, expect: 'allowed' },
  {
    name: 'false and unset',
    spec: {
      securityContext: { windowsOptions: { hostProcess: false } },
      containers: [hp('a'), hp('b', false), { name: 'c' }],
    },
    expect: 'allowed',
  },
  {
    name: 'pod and containers e, f (spec example)',
    spec: {
      securityContext: { windowsOptions: { hostProcess: true } },
      containers: [hp('a'), hp('b', false), { name: 'c' }, hp('e', true), hp('f', true)],
    },
    expect: ['hostProcess', 'pod and containers "e", "f" must not set securityContext.windowsOptions.hostProcess=true'],
  },
  {
    name: 'pod only',
    spec: { securityContext: { windowsOptions: { hostProcess: true } } },
    expect: ['hostProcess', 'pod must not set securityContext.windowsOptions.hostProcess=true'],
  },
  {
    name: 'ephemeral container only',
    spec: { ephemeralContainers: [hp('dbg', true)] },
    expect: ['hostProcess', 'container "dbg" must not set securityContext.windowsOptions.hostProcess=true'],
  },
]);
