package capsa.agent.sys;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;

/**
 * The libc calls the agent needs and the JDK lacks (glibc, x86_64 and aarch64 Linux). Return values follow libc: -1
 * plus {@link Native#getLastError()} for most calls, an error number for the {@code posix_spawn} family.
 */
public interface LibC extends Library {

  /** Loaded once per {@link NativeSystem}; JNA caches the proxy, so this is cheap to call. */
  static LibC load() {
    return Native.load("c", LibC.class);
  }

  int O_RDONLY = 0;
  int O_WRONLY = 1;
  int O_RDWR = 2;
  int O_CREAT = 0100;
  int O_TRUNC = 01000;
  int O_APPEND = 02000;
  int O_NONBLOCK = 04000;
  int O_NOCTTY = 0400;
  int O_CLOEXEC = 02000000;

  int EINTR = 4;
  int EIO = 5;
  int ECHILD = 10;
  int EAGAIN = 11;
  int ESRCH = 3;
  int EPERM = 1;
  int EBUSY = 16;
  int EINVAL = 22;
  int EPIPE = 32;
  int ENOENT = 2;

  int WNOHANG = 1;
  int WEXITED = 4;
  int WNOWAIT = 0x01000000;
  int P_ALL = 0;

  short POLLIN = 0x001;
  short POLLOUT = 0x004;
  short POLLERR = 0x008;
  short POLLHUP = 0x010;
  short POLLNVAL = 0x020;

  int AF_UNIX = 1;
  int AF_VSOCK = 40;
  int SOCK_STREAM = 1;
  int SOCK_CLOEXEC = 02000000;
  int SOL_SOCKET = 1;
  int SCM_RIGHTS = 1;
  int SHUT_RDWR = 2;

  int POSIX_SPAWN_SETSIGDEF = 0x04;
  int POSIX_SPAWN_SETSIGMASK = 0x08;

  /** Generous upper bounds of glibc's opaque structs (80, 336 and 128 bytes on x86_64). */
  int SPAWN_FILE_ACTIONS_SIZE = 256;
  int SPAWN_ATTR_SIZE = 512;
  int SIGSET_SIZE = 128;

  int PR_SET_CHILD_SUBREAPER = 36;
  int RB_POWER_OFF = 0x4321fedc;
  int MNT_DETACH = 2;
  long TIOCSWINSZ = 0x5414;
  int CLOCK_REALTIME = 0;

  int pipe2(int[] fds, int flags);

  int open(String path, int flags, int mode);

  int close(int fd);

  long read(int fd, byte[] buf, long count);

  long write(int fd, byte[] buf, long count);

  int poll(Pointer fds, long nfds, int timeoutMillis);

  int fcntl(int fd, int cmd, int arg);

  int kill(int pid, int sig);

  int waitpid(int pid, IntByReference status, int options);

  int waitid(int idtype, int id, Pointer siginfo, int options);

  int prctl(int option, long arg2, long arg3, long arg4, long arg5);

  int posix_spawn(IntByReference pid, String path, Pointer fileActions, Pointer attr, String[] argv, String[] envp);

  int posix_spawn_file_actions_init(Pointer fileActions);

  int posix_spawn_file_actions_destroy(Pointer fileActions);

  int posix_spawn_file_actions_adddup2(Pointer fileActions, int fd, int newFd);

  int posix_spawn_file_actions_addopen(Pointer fileActions, int fd, String path, int oflag, int mode);

  int posix_spawn_file_actions_addclosefrom_np(Pointer fileActions, int from);

  int posix_spawnattr_init(Pointer attr);

  int posix_spawnattr_destroy(Pointer attr);

  int posix_spawnattr_setflags(Pointer attr, short flags);

  int posix_spawnattr_setsigmask(Pointer attr, Pointer sigset);

  int posix_spawnattr_setsigdefault(Pointer attr, Pointer sigset);

  int sigemptyset(Pointer set);

  int sigfillset(Pointer set);

  int sigdelset(Pointer set, int signo);

  int mount(String source, String target, String fstype, NativeLong flags, String data);

  int umount2(String target, int flags);

  int sethostname(String name, long len);

  int clock_settime(int clockId, Pointer timespec);

  int reboot(int cmd);

  void sync();

  int ioctl(int fd, long request, Pointer arg);

  int socket(int domain, int type, int protocol);

  int bind(int fd, Pointer addr, int addrLen);

  int listen(int fd, int backlog);

  int accept4(int fd, Pointer addr, Pointer addrLen, int flags);

  int shutdown(int fd, int how);

  int socketpair(int domain, int type, int protocol, int[] sv);

  int connect(int fd, Pointer addr, int addrLen);

  long recvmsg(int fd, Pointer msghdr, int flags);

  String strerror(int errnum);
}
