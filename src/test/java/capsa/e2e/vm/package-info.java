/** End to end: containerd runs containers in VMs through our shim, QEMU (TCG) and the in-guest agent. */
package capsa.e2e.vm;
