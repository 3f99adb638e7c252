package capsa.shim.network;

/** A static neighbour (ARP/NDP) entry of the pod namespace. {@code state} is the NUD_* number. */
public record PodNeighbor(String address, boolean v6, String device, String mac, int state) {}
