# A stand-in for the parts of FreeBSD's Mk/bsd.port.mk that net/carp-failover uses, so that
# bmake on Linux runs the port's own recipes (post-extract, do-install, the DOCS and EXAMPLES
# option targets) against the real release tarball. What it reproduces, from bsd.port.mk:
# - the stage directories of /etc/mtree/BSD.local.dist the port installs into;
# - USE_RC_SUBR: each name is a SUB_FILES entry, ${FILESDIR}/NAME.in with %%PREFIX%%,
#   %%LOCALBASE%%... replaced (apply-slist), installed as PREFIX/etc/rc.d/NAME mode 0555
#   (install-rc-script);
# - the DATADIR, DOCSDIR, EXAMPLESDIR and INSTALL_* defaults; options DOCS and EXAMPLES on.
# Not reproduced: fetch, checksums, dependencies, packaging, manual page compression.

PREFIX?=	/usr/local
LOCALBASE?=	/usr/local
WRKSRC?=	${WRKDIR}/${PORTNAME}-${DISTVERSION}
DATADIR?=	${PREFIX}/share/${PORTNAME}
DOCSDIR?=	${PREFIX}/share/doc/${PORTNAME}
EXAMPLESDIR?=	${PREFIX}/share/examples/${PORTNAME}
SED?=		sed
MKDIR?=		mkdir -p
INSTALL_SCRIPT?=	install -m 555
INSTALL_DATA?=	install -m 0644
INSTALL_MAN?=	install -m 444
SUB_FILES+=	${USE_RC_SUBR}
_SUB_LIST=	-e 's|%%PREFIX%%|${PREFIX}|g' -e 's|%%LOCALBASE%%|${LOCALBASE}|g' \
		-e 's|%%DATADIR%%|${DATADIR}|g' -e 's|%%DOCSDIR%%|${DOCSDIR}|g' \
		-e 's|%%EXAMPLESDIR%%|${EXAMPLESDIR}|g'
_MTREE_DIRS=	bin etc/rc.d libexec share/doc share/examples share/man/man5 share/man/man8

stage: extract-stub post-extract stage-dir apply-slist do-install do-install-DOCS-on \
	do-install-EXAMPLES-on install-rc-script

extract-stub:
	${MKDIR} ${WRKDIR}
	tar -xzf ${DISTDIR}/${PORTNAME}-${DISTVERSION}.tar.gz -C ${WRKDIR}

stage-dir:
.for d in ${_MTREE_DIRS}
	${MKDIR} ${STAGEDIR}${PREFIX}/${d}
.endfor

apply-slist:
.for f in ${SUB_FILES}
	${SED} ${_SUB_LIST} ${FILESDIR}/${f}.in > ${WRKDIR}/${f}
.endfor

install-rc-script:
.for rc in ${USE_RC_SUBR}
	${INSTALL_SCRIPT} ${WRKDIR}/${rc} ${STAGEDIR}${PREFIX}/etc/rc.d/${rc}
.endfor

.for t in post-extract do-install do-install-DOCS-on do-install-EXAMPLES-on
.if !target(${t})
${t}:
.endif
.endfor
