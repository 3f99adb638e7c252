package capsa.agent.rpc;

import capsa.agent.AgentException;
import capsa.agent.cgroup.CgroupStatsReader;
import capsa.agent.cgroup.CgroupV2;
import capsa.agent.cgroup.OomWatcher;
import capsa.agent.container.Container;
import capsa.agent.container.ContainerManager;
import capsa.agent.container.CreateRequest;
import capsa.agent.device.DeviceService;
import capsa.agent.io.ProcessIo;
import capsa.agent.network.NetworkService;
import capsa.agent.sandbox.GuestResources;
import capsa.agent.sandbox.Sandbox;
import capsa.agent.spec.OciJson;
import capsa.agent.sys.SystemControl;
import capsa.proto.agent.AgentDetails;
import capsa.proto.agent.AddARPNeighborsRequest;
import capsa.proto.agent.AgentServiceGrpc;
import capsa.proto.agent.CloseStdinRequest;
import capsa.proto.agent.CreateContainerRequest;
import capsa.proto.agent.CreateSandboxRequest;
import capsa.proto.agent.DestroySandboxRequest;
import capsa.proto.agent.ExecProcessRequest;
import capsa.proto.agent.GetOOMEventRequest;
import capsa.proto.agent.GuestDetailsRequest;
import capsa.proto.agent.GuestDetailsResponse;
import capsa.proto.agent.Interfaces;
import capsa.proto.agent.ListInterfacesRequest;
import capsa.proto.agent.ListRoutesRequest;
import capsa.proto.agent.OOMEvent;
import capsa.proto.agent.OnlineCPUMemRequest;
import capsa.proto.agent.PauseContainerRequest;
import capsa.proto.agent.ReadStreamRequest;
import capsa.proto.agent.ReadStreamResponse;
import capsa.proto.agent.RemoveContainerRequest;
import capsa.proto.agent.RemoveStaleVirtiofsShareMountsRequest;
import capsa.proto.agent.Routes;
import capsa.proto.agent.ResumeContainerRequest;
import capsa.proto.agent.SetGuestDateTimeRequest;
import capsa.proto.agent.SignalProcessRequest;
import capsa.proto.agent.StartContainerRequest;
import capsa.proto.agent.StatsContainerRequest;
import capsa.proto.agent.StatsContainerResponse;
import capsa.proto.agent.TtyWinResizeRequest;
import capsa.proto.agent.UpdateContainerRequest;
import capsa.proto.agent.UpdateInterfaceRequest;
import capsa.proto.agent.UpdateRoutesRequest;
import capsa.proto.agent.WaitProcessRequest;
import capsa.proto.agent.WaitProcessResponse;
import capsa.proto.agent.WriteStreamRequest;
import capsa.proto.agent.WriteStreamResponse;
import com.fasterxml.jackson.databind.node.ObjectNode;
import capsa.proto.agent.types.Interface;
import com.google.protobuf.ByteString;
import com.google.protobuf.Empty;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * {@code grpc.AgentService}: each method checks the sandbox, converts the request to plain data, calls one domain
 * method and replies; errors go through {@link RpcErrors}. Methods not overridden here answer UNIMPLEMENTED with the
 * method name (grpc-java's default: "Method grpc.AgentService/&lt;name&gt; is unimplemented").
 */
public final class AgentServiceHandler extends AgentServiceGrpc.AgentServiceImplBase {
  private static final Empty EMPTY = Empty.getDefaultInstance();
  /** The Kata shim asks for 32 KiB; cap what one reply may carry well below ttrpc's 4 MiB frame limit. */
  private static final int MAX_READ = 1024 * 1024;

  private final Sandbox sandbox;
  private final ContainerManager containers;
  private final OciJson oci;
  private final CgroupStatsReader stats;
  private final OomWatcher oom;
  private final GuestResources resources;
  private final SystemControl system;
  private final AgentDetails details;
  private final DeviceService devices;
  private final NetworkService network;

  public AgentServiceHandler(
      Sandbox sandbox,
      ContainerManager containers,
      OciJson oci,
      CgroupStatsReader stats,
      OomWatcher oom,
      GuestResources resources,
      SystemControl system,
      AgentDetails details,
      DeviceService devices,
      NetworkService network) {
    this.sandbox = sandbox;
    this.containers = containers;
    this.oci = oci;
    this.stats = stats;
    this.oom = oom;
    this.resources = resources;
    this.system = system;
    this.details = details;
    this.devices = devices;
    this.network = network;
  }

  // ---------------------------------------------------------------- sandbox

  @Override
  public void createSandbox(CreateSandboxRequest req, StreamObserver<Empty> o) {
    Replies.now(
        o,
        () -> {
          sandbox.create(ProtoRecords.sandbox(req));
          return EMPTY;
        });
  }

  @Override
  public void destroySandbox(DestroySandboxRequest req, StreamObserver<Empty> o) {
    Replies.now(
        o,
        () -> {
          sandbox.destroy();
          return EMPTY;
        });
  }

  @Override
  public void getGuestDetails(GuestDetailsRequest req, StreamObserver<GuestDetailsResponse> o) {
    Replies.now(
        o,
        () -> {
          GuestDetailsResponse.Builder b = GuestDetailsResponse.newBuilder().setAgentDetails(details);
          try {
            if (req.getMemBlockSize()) {
              b.setMemBlockSizeBytes(resources.memoryBlockSize());
            }
          } catch (IOException e) {
            throw new AgentException.Internal("cannot read the memory block size", e);
          }
          if (req.getMemHotplugProbe()) {
            b.setSupportMemHotplugProbe(resources.memoryProbeSupported());
          }
          return b.build();
        });
  }

  @Override
  public void setGuestDateTime(SetGuestDateTimeRequest req, StreamObserver<Empty> o) {
    Replies.now(
        o,
        () -> {
          try {
            system.setClock(req.getSec(), req.getUsec());
          } catch (IOException e) {
            throw new AgentException.Internal("cannot set the guest clock", e);
          }
          return EMPTY;
        });
  }

  @Override
  public void onlineCPUMem(OnlineCPUMemRequest req, StreamObserver<Empty> o) {
    Replies.now(
        o,
        () -> {
          try {
            resources.onlineCpus(req.getNbCpus());
            if (!req.getCpuOnly()) {
              resources.onlineMemory();
            }
          } catch (IOException e) {
            throw new AgentException.Internal("cannot online CPUs or memory", e);
          }
          return EMPTY;
        });
  }

  @Override
  public void getOOMEvent(GetOOMEventRequest req, StreamObserver<OOMEvent> o) {
    Replies.later(o, () -> oom.next().thenApply(id -> OOMEvent.newBuilder().setContainerId(id).build()));
  }

  /**
   * The Go runtime calls this after every container stop. This agent keeps no per-container virtio-fs share mounts
   * (volumes arrive under the one shared mount), so there is nothing stale to remove: succeed.
   */
  @Override
  public void removeStaleVirtiofsShareMounts(
      RemoveStaleVirtiofsShareMountsRequest req, StreamObserver<Empty> o) {
    Replies.now(o, () -> EMPTY);
  }

  // ---------------------------------------------------------------- network (before CreateSandbox, as Kata)

  @Override
  public void updateInterface(UpdateInterfaceRequest req, StreamObserver<Interface> o) {
    Replies.now(o, () -> network.updateInterface(req.getInterface()));
  }

  @Override
  public void updateRoutes(UpdateRoutesRequest req, StreamObserver<Routes> o) {
    Replies.now(
        o,
        () ->
            Routes.newBuilder()
                .addAllRoutes(network.updateRoutes(req.getRoutes().getRoutesList()))
                .build());
  }

  @Override
  public void addARPNeighbors(AddARPNeighborsRequest req, StreamObserver<Empty> o) {
    Replies.now(
        o,
        () -> {
          network.addArpNeighbors(req.getNeighbors().getARPNeighborsList());
          return EMPTY;
        });
  }

  @Override
  public void listInterfaces(ListInterfacesRequest req, StreamObserver<Interfaces> o) {
    Replies.now(o, () -> Interfaces.newBuilder().addAllInterfaces(network.listInterfaces()).build());
  }

  @Override
  public void listRoutes(ListRoutesRequest req, StreamObserver<Routes> o) {
    Replies.now(o, () -> Routes.newBuilder().addAllRoutes(network.listRoutes()).build());
  }

  // ---------------------------------------------------------------- containers

  @Override
  public void createContainer(CreateContainerRequest req, StreamObserver<Empty> o) {
    Replies.now(
        o,
        () -> {
          sandbox.requireCreated();
          if (!req.hasOCI()) {
            throw new AgentException.InvalidArgument("container " + req.getContainerId() + " has no OCI spec");
          }
          if (!req.getExecId().isEmpty() && !req.getExecId().equals(req.getContainerId())) {
            throw new AgentException.InvalidArgument(
                "exec id " + req.getExecId() + " of an init process must equal the container id");
          }
          ObjectNode spec = oci.spec(req.getOCI());
          // Devices first: a VFIO function must be there (and the spec name its guest node) before runc runs.
          devices.attach(req.getContainerId(), ProtoRecords.devices(req.getDevicesList()), spec);
          containers.create(
              new CreateRequest(req.getContainerId(), spec, ProtoRecords.storages(req.getStoragesList())),
              sandbox.pidNamespace(req.getSandboxPidns()));
          return EMPTY;
        });
  }

  @Override
  public void startContainer(StartContainerRequest req, StreamObserver<Empty> o) {
    Replies.now(
        o,
        () -> {
          sandbox.requireCreated();
          containers.start(req.getContainerId());
          return EMPTY;
        });
  }

  @Override
  public void removeContainer(RemoveContainerRequest req, StreamObserver<Empty> o) {
    Replies.now(
        o,
        () -> {
          sandbox.requireCreated();
          containers.remove(req.getContainerId(), req.getTimeout());
          return EMPTY;
        });
  }

  @Override
  public void execProcess(ExecProcessRequest req, StreamObserver<Empty> o) {
    Replies.now(
        o,
        () -> {
          sandbox.requireCreated();
          if (!req.hasProcess()) {
            throw new AgentException.InvalidArgument("exec " + req.getExecId() + " has no process");
          }
          containers.exec(req.getContainerId(), req.getExecId(), oci.process(req.getProcess()));
          return EMPTY;
        });
  }

  @Override
  public void signalProcess(SignalProcessRequest req, StreamObserver<Empty> o) {
    Replies.now(
        o,
        () -> {
          sandbox.requireCreated();
          containers.signal(req.getContainerId(), req.getExecId(), req.getSignal());
          return EMPTY;
        });
  }

  @Override
  public void waitProcess(WaitProcessRequest req, StreamObserver<WaitProcessResponse> o) {
    Replies.later(
        o,
        () -> {
          sandbox.requireCreated();
          return containers
              .waitProcess(req.getContainerId(), req.getExecId())
              .thenApply(s -> WaitProcessResponse.newBuilder().setStatus(s).build());
        });
  }

  @Override
  public void pauseContainer(PauseContainerRequest req, StreamObserver<Empty> o) {
    Replies.now(
        o,
        () -> {
          sandbox.requireCreated();
          containers.pause(req.getContainerId());
          return EMPTY;
        });
  }

  @Override
  public void resumeContainer(ResumeContainerRequest req, StreamObserver<Empty> o) {
    Replies.now(
        o,
        () -> {
          sandbox.requireCreated();
          containers.resume(req.getContainerId());
          return EMPTY;
        });
  }

  @Override
  public void updateContainer(UpdateContainerRequest req, StreamObserver<Empty> o) {
    Replies.now(
        o,
        () -> {
          sandbox.requireCreated();
          Container c = containers.registry().get(req.getContainerId());
          try {
            new CgroupV2(c.cgroupDir()).apply(ProtoRecords.limits(req.getResources()));
          } catch (IOException e) {
            throw new AgentException.Internal("cannot update cgroup of container " + c.id(), e);
          }
          return EMPTY;
        });
  }

  @Override
  public void statsContainer(StatsContainerRequest req, StreamObserver<StatsContainerResponse> o) {
    Replies.now(
        o,
        () -> {
          sandbox.requireCreated();
          Container c = containers.registry().get(req.getContainerId());
          try {
            return StatsContainerResponse.newBuilder()
                .setCgroupStats(stats.read(new CgroupV2(c.cgroupDir())))
                .build();
          } catch (IOException e) {
            throw new AgentException.Internal("cannot read cgroup of container " + c.id(), e);
          }
        });
  }

  // ---------------------------------------------------------------- stdio

  @Override
  public void readStdout(ReadStreamRequest req, StreamObserver<ReadStreamResponse> o) {
    read(req, true, o);
  }

  @Override
  public void readStderr(ReadStreamRequest req, StreamObserver<ReadStreamResponse> o) {
    read(req, false, o);
  }

  private void read(ReadStreamRequest req, boolean stdout, StreamObserver<ReadStreamResponse> o) {
    Replies.later(
        o,
        () -> {
          sandbox.requireCreated();
          ProcessIo io = io(req.getContainerId(), req.getExecId());
          int len = req.getLen() <= 0 ? 32 * 1024 : Math.min(req.getLen(), MAX_READ);
          CompletableFuture<byte[]> data = (stdout ? io.stdout() : io.stderr()).read(len);
          return data.thenApply(b -> ReadStreamResponse.newBuilder().setData(ByteString.copyFrom(b)).build());
        });
  }

  @Override
  public void writeStdin(WriteStreamRequest req, StreamObserver<WriteStreamResponse> o) {
    Replies.now(
        o,
        () -> {
          sandbox.requireCreated();
          ProcessIo io = io(req.getContainerId(), req.getExecId());
          try {
            int n = io.writeStdin(req.getData().toByteArray());
            return WriteStreamResponse.newBuilder().setLen(n).build();
          } catch (IOException e) {
            throw new AgentException.Internal("cannot write stdin of " + req.getExecId(), e);
          }
        });
  }

  @Override
  public void closeStdin(CloseStdinRequest req, StreamObserver<Empty> o) {
    Replies.now(
        o,
        () -> {
          sandbox.requireCreated();
          io(req.getContainerId(), req.getExecId()).closeStdin();
          return EMPTY;
        });
  }

  @Override
  public void ttyWinResize(TtyWinResizeRequest req, StreamObserver<Empty> o) {
    Replies.now(
        o,
        () -> {
          sandbox.requireCreated();
          ProcessIo io = io(req.getContainerId(), req.getExecId());
          if (!io.terminal()) {
            throw new AgentException.FailedPrecondition("process " + req.getExecId() + " has no terminal");
          }
          try {
            io.resize(req.getRow(), req.getColumn());
          } catch (IOException e) {
            throw new AgentException.Internal("cannot resize the terminal of " + req.getExecId(), e);
          }
          return EMPTY;
        });
  }

  private ProcessIo io(String containerId, String execId) {
    return containers.registry().get(containerId).process(execId).io();
  }

  /** The storage drivers this agent handles, for AgentDetails. */
  public static AgentDetails details(String version, boolean initDaemon, List<String> storageDrivers) {
    return AgentDetails.newBuilder()
        .setVersion(version)
        .setInitDaemon(initDaemon)
        .addAllStorageHandlers(storageDrivers)
        .setSupportsSeccomp(false)
        .build();
  }
}
