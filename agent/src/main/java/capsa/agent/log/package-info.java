/**
 * The agent's own SLF4J provider for the guest ({@code -Dslf4j.provider=capsa.agent.log.ConsoleLogProvider}, set by
 * the guest launcher): one line per event on stderr (the guest console), one level for every logger. Logback stays the
 * provider everywhere else (host runs, tests); in the guest its start-up (~1.5 s of class initialisation under TCG) is
 * what this package saves.
 *
 * <p>Threading: any thread may log; each event is written with one call on a shared {@link java.io.PrintStream}, which
 * serialises writers.
 */
package capsa.agent.log;
