/**
 * The runc CLI driver: one method per runc command, errors from runc's JSON log as {@link
 * capsa.agent.runc.RuncException}.
 *
 * <p>Threading: every method blocks until runc exits; call from the blocking executor, never an event loop.
 */
package capsa.agent.runc;
