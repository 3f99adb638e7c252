/**
 * The {@code capsa} admin CLI: one picocli command class per subcommand, host checks, the run-root reader.
 *
 * <p>Threading: single-threaded, short-lived; commands block on files and child processes.
 */
package capsa.admin;
