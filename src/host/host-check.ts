// One finding of `check-config --host`: each module checks what it needs of the host.

export interface HostCheck {
  /** What was checked: "vhid 1 on vmx0", "sysctl net.inet.carp.preempt", "vtysh answers". */
  name: string;
  ok: boolean;
  /** error makes check-config exit 78; warning is printed only. */
  level: 'error' | 'warning';
  message: string;
}
