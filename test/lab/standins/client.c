/*
 * The lab's FreeBSD command stand-ins (ifconfig, sysctl) as one tiny compiled client.
 *
 * Why: a Node stand-in costs a Node start-up (~100 ms) per call, so the lab measured Node, not
 * the service (issue 12). This client costs about a millisecond: it sends its argv to the lab's
 * resident stand-in server (test/lab/standins/server.mjs) over the Unix socket that sits beside
 * the binary (<dir of /proc/self/exe>/standin.sock), and replays the answer: stdout, stderr,
 * exit status. The command it stands in for is its own file name (the lab copies this binary to
 * <router>/bin/ifconfig and <router>/bin/sysctl), so it needs no environment: the service runs
 * commands with an empty one.
 *
 * Request: the tool name and each argument, each followed by a NUL byte, then end of stream.
 * Answer: "<status> <stdout bytes> <stderr bytes>\n", then those bytes.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static void die(const char *what)
{
    fprintf(stderr, "lab stand-in: %s: %s\n", what, strerror(errno));
    exit(71);
}

static void write_all(int fd, const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, buf, len);
        if (n < 0) {
            if (errno == EINTR) continue;
            die("write");
        }
        buf += n;
        len -= (size_t)n;
    }
}

int main(int argc, char **argv)
{
    char exe[PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (len < 0) die("readlink /proc/self/exe");
    exe[len] = '\0';
    char *slash = strrchr(exe, '/');
    if (slash == NULL) die("no directory in /proc/self/exe");
    *slash = '\0';
    const char *tool = slash + 1;

    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    if ((size_t)snprintf(addr.sun_path, sizeof addr.sun_path, "%s/standin.sock", exe) >= sizeof addr.sun_path) {
        errno = ENAMETOOLONG;
        die("socket path");
    }
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0) die("socket");
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) < 0) die(addr.sun_path);

    write_all(fd, tool, strlen(tool) + 1);
    for (int i = 1; i < argc; i++) write_all(fd, argv[i], strlen(argv[i]) + 1);
    if (shutdown(fd, SHUT_WR) < 0) die("shutdown");

    size_t cap = 65536, used = 0;
    char *buf = malloc(cap);
    if (buf == NULL) die("malloc");
    for (;;) {
        if (used == cap) {
            cap *= 2;
            buf = realloc(buf, cap);
            if (buf == NULL) die("realloc");
        }
        ssize_t n = read(fd, buf + used, cap - used);
        if (n < 0) {
            if (errno == EINTR) continue;
            die("read");
        }
        if (n == 0) break;
        used += (size_t)n;
    }
    close(fd);

    char *nl = memchr(buf, '\n', used);
    int status;
    size_t out_len, err_len;
    if (nl == NULL || sscanf(buf, "%d %zu %zu", &status, &out_len, &err_len) != 3 ||
        (size_t)(nl + 1 - buf) + out_len + err_len != used) {
        fprintf(stderr, "lab stand-in: malformed answer from %s\n", addr.sun_path);
        return 71;
    }
    write_all(1, nl + 1, out_len);
    write_all(2, nl + 1 + out_len, err_len);
    return status;
}
