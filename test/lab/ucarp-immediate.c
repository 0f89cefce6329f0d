/*
 * Preloaded into the lab's ucarp: opens its capture in libpcap's immediate mode.
 *
 * Why: ucarp opens its capture with pcap_open_live(..., CAPTURE_TIMEOUT = 1000 ms) (ucarp.h,
 * carp.c docarp()). On Linux, libpcap >= 1.5 then uses a TPACKET_V3 ring whose blocks reach
 * poll() only when full or when the 1000 ms block timeout expires, so ucarp hears each CARP
 * advertisement up to a second late and a BACKUP takes over about a second after FreeBSD's
 * kernel would (carp_input() handles every advertisement on arrival). Immediate mode makes
 * libpcap use TPACKET_V2, which delivers each packet at once (pcap_set_immediate_mode(3PCAP)).
 *
 * This replaces pcap_open_live() with what libpcap's own pcap_open_live() does (create, set
 * snaplen, promiscuity and timeout, activate; warnings are not errors) plus immediate mode.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PCAP_ERRBUF_SIZE 256

typedef struct pcap pcap_t;

__attribute__((constructor)) static void keep_out_of_children(void)
{
    /* Loaded first into `ip netns exec`, which must pass it on; ucarp's scripts need none of it. */
    if (strcmp(program_invocation_short_name, "ucarp") == 0) {
        unsetenv("LD_PRELOAD");
    }
}

static void *real(const char *name, char *errbuf)
{
    void *fn = dlsym(RTLD_NEXT, name);
    if (fn == NULL) {
        snprintf(errbuf, PCAP_ERRBUF_SIZE, "ucarp-immediate: libpcap has no %s", name);
    }
    return fn;
}

pcap_t *pcap_open_live(const char *device, int snaplen, int promisc, int to_ms, char *errbuf)
{
    pcap_t *(*create)(const char *, char *) = real("pcap_create", errbuf);
    int (*set_snaplen)(pcap_t *, int) = real("pcap_set_snaplen", errbuf);
    int (*set_promisc)(pcap_t *, int) = real("pcap_set_promisc", errbuf);
    int (*set_timeout)(pcap_t *, int) = real("pcap_set_timeout", errbuf);
    int (*set_immediate)(pcap_t *, int) = real("pcap_set_immediate_mode", errbuf);
    int (*activate)(pcap_t *) = real("pcap_activate", errbuf);
    char *(*geterr)(pcap_t *) = real("pcap_geterr", errbuf);
    void (*close)(pcap_t *) = real("pcap_close", errbuf);
    pcap_t *p;
    int status;

    if (!create || !set_snaplen || !set_promisc || !set_timeout || !set_immediate || !activate ||
        !geterr || !close) {
        return NULL;
    }
    if ((p = create(device, errbuf)) == NULL) {
        return NULL;
    }
    if (set_snaplen(p, snaplen) != 0 || set_promisc(p, promisc) != 0 ||
        set_timeout(p, to_ms) != 0 || set_immediate(p, 1) != 0) {
        snprintf(errbuf, PCAP_ERRBUF_SIZE, "ucarp-immediate: cannot set options on %s", device);
        close(p);
        return NULL;
    }
    if ((status = activate(p)) < 0) {
        snprintf(errbuf, PCAP_ERRBUF_SIZE, "%s: %s", device, geterr(p));
        close(p);
        return NULL;
    }
    return p;
}
