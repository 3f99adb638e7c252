/**
 * Runnable demos behind {@code scripts/demo.sh}: plain {@code main} programs built from the e2e fixtures, printing
 * what they do for a human reader.
 *
 * <p>Threading: single-threaded mains; ttrpc I/O runs on the transport's threads.
 */
package capsa.e2e.demo;
