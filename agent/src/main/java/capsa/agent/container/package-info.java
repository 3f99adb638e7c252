/**
 * Containers and their processes under runc: {@link capsa.agent.container.ContainerManager} drives the lifecycle,
 * {@link capsa.agent.container.ContainerState} and {@link capsa.agent.container.ProcessState} are the sealed state
 * machines, {@link capsa.agent.container.ContainerRegistry} maps ids.
 *
 * <p>Threading: manager methods block (runc) and run on RPC handler threads; state transitions are guarded by the
 * {@link capsa.agent.container.Container} monitor; exit futures complete on reaper-dispatch threads.
 */
package capsa.agent.container;
