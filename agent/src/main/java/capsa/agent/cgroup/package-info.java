/**
 * cgroup v2: limits ({@link capsa.agent.cgroup.CgroupV2#apply}), statistics ({@link
 * capsa.agent.cgroup.CgroupStatsReader}) and OOM-kill events ({@link capsa.agent.cgroup.OomWatcher}) of container
 * cgroups under the guest's unified hierarchy.
 *
 * <p>Threading: file reads and writes are blocking (call from the blocking executor); the OOM watcher polls on a
 * scheduler thread and completes long-poll futures from it.
 */
package capsa.agent.cgroup;
