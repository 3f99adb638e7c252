/**
 * Pod networking end to end: CNI (Debian's bridge + host-local plugins) wires private namespaces, containerd runs
 * containers in QEMU VMs through the Capsa shim, and traffic crosses the tap + tc mirred path into the guests.
 * Nothing touches the host's own network namespace: the CNI bridge lives in a scratch "host" namespace.
 */
package capsa.e2e.net;
