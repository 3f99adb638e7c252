package capsa.ttrpc.client;

import capsa.proto.ttrpc.Response;
import io.grpc.Status;

/** A call waiting for its response, as seen by the connection handler. Implementations are thread-safe. */
interface PendingCall {

  /**
   * The connection assigned {@code streamId} to this call. Returns false if the call has finished
   * meanwhile (deadline, cancel); its request is then not sent.
   */
  boolean streamAssigned(long streamId);

  /** The response arrived. */
  void onResponse(Response response);

  /** The call cannot complete normally (connection gone, oversized or undecodable response...). */
  void onFailure(Status status);
}
