package capsa.agent.runc;

import capsa.agent.proc.ExitStatus;
import capsa.agent.proc.ProcessLauncher;
import capsa.agent.proc.SpawnSpec;
import capsa.agent.proc.Spawned;
import capsa.agent.proc.Stdio;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runc command line. Every call blocks its thread until runc exits, so call it from the blocking executor only.
 * runc's own errors are read from its JSON {@code --log}, because for {@code create}/{@code exec} its stderr is the
 * container's stderr.
 */
public final class Runc {
  private static final Logger log = LoggerFactory.getLogger(Runc.class);
  private static final List<String> ENV = List.of("PATH=/usr/sbin:/usr/bin:/sbin:/bin");

  private final ProcessLauncher launcher;
  private final RuncConfig config;
  private final ObjectMapper json = new ObjectMapper();
  private final AtomicLong sequence = new AtomicLong();

  public Runc(ProcessLauncher launcher, RuncConfig config) throws IOException {
    this.launcher = launcher;
    this.config = config;
    Files.createDirectories(config.root());
    Files.createDirectories(config.workDir());
  }

  public RuncConfig config() {
    return config;
  }

  /** Where a command's stdio goes; {@code null} streams go to a scratch file. */
  public record Streams(Stdio stdin, Stdio stdout, Stdio stderr) {}

  public void create(String id, Path bundle, Path pidFile, Path consoleSocket, Streams streams) throws IOException {
    List<String> args = new ArrayList<>(List.of("create", "--bundle", bundle.toString(), "--pid-file", pidFile.toString()));
    if (consoleSocket != null) {
      args.add("--console-socket");
      args.add(consoleSocket.toString());
    }
    if (config.noPivot()) {
      args.add("--no-pivot");
    }
    args.add(id);
    run(args, streams);
  }

  public void start(String id) throws IOException {
    run(List.of("start", id), null);
  }

  /** Detached exec: runc exits once the process runs; the process is re-parented to the agent. */
  public void exec(String id, Path processJson, Path pidFile, Path consoleSocket, Streams streams) throws IOException {
    List<String> args =
        new ArrayList<>(
            List.of("exec", "--detach", "--pid-file", pidFile.toString(), "--process", processJson.toString()));
    if (consoleSocket != null) {
      args.add("--console-socket");
      args.add(consoleSocket.toString());
    }
    args.add(id);
    run(args, streams);
  }

  public void kill(String id, int signal, boolean all) throws IOException {
    List<String> args = new ArrayList<>(List.of("kill"));
    if (all) {
      args.add("--all");
    }
    args.add(id);
    args.add(Integer.toString(signal));
    run(args, null);
  }

  public void delete(String id, boolean force) throws IOException {
    run(force ? List.of("delete", "--force", id) : List.of("delete", id), null);
  }

  public void pause(String id) throws IOException {
    run(List.of("pause", id), null);
  }

  public void resume(String id) throws IOException {
    run(List.of("resume", id), null);
  }

  /** {@code runc state} as JSON. */
  public JsonNode state(String id) throws IOException {
    return json.readTree(run(List.of("state", id), null));
  }

  private String run(List<String> args, Streams streams) throws IOException {
    long n = sequence.incrementAndGet();
    Path logFile = config.workDir().resolve("runc-" + n + ".log");
    Path outFile = config.workDir().resolve("runc-" + n + ".out");
    List<String> argv = new ArrayList<>();
    argv.add(config.binary().toString());
    argv.addAll(List.of("--root", config.root().toString(), "--log", logFile.toString(), "--log-format", "json"));
    argv.addAll(args);
    Streams s = streams != null ? streams : new Streams(Stdio.devNull(), new Stdio.ToFile(outFile), null);
    Stdio stderr = s.stderr() != null ? s.stderr() : new Stdio.ToFile(outFile);
    try {
      Spawned spawned = launcher.spawn(new SpawnSpec(argv, ENV, s.stdin(), s.stdout(), stderr));
      ExitStatus status = await(spawned, args.get(0));
      String output = Files.exists(outFile) ? Files.readString(outFile, StandardCharsets.UTF_8) : "";
      if (!status.success()) {
        throw new RuncException(args.get(0), status.shellStatus(), errorText(logFile, output));
      }
      log.debug("runc {} ok", args);
      return output;
    } finally {
      Files.deleteIfExists(logFile);
      Files.deleteIfExists(outFile);
    }
  }

  private ExitStatus await(Spawned spawned, String command) throws IOException {
    try {
      return spawned.exit().get(config.timeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new IOException("runc " + command + " did not finish within " + config.timeout());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted waiting for runc " + command, e);
    } catch (ExecutionException e) {
      throw new IOException("runc " + command + " failed", e.getCause());
    }
  }

  /** The last {@code "level":"error"} message of runc's JSON log, else its plain output. */
  private String errorText(Path logFile, String output) {
    String message = null;
    try {
      if (Files.exists(logFile)) {
        for (String line : Files.readAllLines(logFile, StandardCharsets.UTF_8)) {
          try {
            JsonNode node = json.readTree(line);
            if ("error".equals(node.path("level").asText()) || "fatal".equals(node.path("level").asText())) {
              message = node.path("msg").asText();
            }
          } catch (IOException notJson) {
            message = line;
          }
        }
      }
    } catch (IOException ignored) {
      // fall back to the output
    }
    return message != null ? message : output.strip();
  }
}
