package capsa.ttrpc.client;

import capsa.proto.ttrpc.Request;

/**
 * Written to the channel by any thread; {@link ClientConnectionHandler} turns it into a request frame on
 * the event loop, where stream ids are assigned, so ids reach the wire in increasing order whichever
 * thread started the call.
 */
record SendRequestCommand(Request request, PendingCall call) {}
