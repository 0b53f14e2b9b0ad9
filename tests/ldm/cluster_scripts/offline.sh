#!/bin/sh
#
# Sample offline script for a guest domain
# Exit with 0: Success 1: Fail
#
# Copyright(c) 2008 FUJITSU LIMITED. All rights reserved.
#
LDOMSNAME=$1
LDM="/opt/SUNWldm/bin/ldm"
$LDM stop-domain $LDOMSNAME
[ 0 -ne $? ] && $LDM stop-domain -f $LDOMSNAME
$LDM unbind-domain $LDOMSNAME
# Logical Domain の状態が inactive の場合のみ 0 (success)で exit
$LDM list-domain $LDOMSNAME | tail -1 | awk '{print $2}' | grep "^inactive" && exit 0
exit 1
