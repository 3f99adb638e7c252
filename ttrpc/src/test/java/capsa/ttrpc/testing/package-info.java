/** Test fixtures shared by the ttrpc tests: the Echo service, scripted raw peers, socket helpers. */
package capsa.ttrpc.testing;
