#!/bin/bash
# SPDX-License-Identifier: ISC
# test-routes-gr.sh: test-routes.sh again with the VGW emulator (BIRD)
# advertising graceful restart: vtibgpd must still fail over at once and
# never keep the dead tunnel's paths as stale while the other tunnel has
# them.
LAB_GR=1 exec bash "${top_srcdir:-.}/tests/lab/test-routes.sh"
