# bmake reads sys.mk first; the ports framework needs nothing from it (see bsd.port.mk here).
