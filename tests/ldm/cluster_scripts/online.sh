#!/bin/sh
#
# Sample online script for a guest domain
# Exit with 0: Success 1: Fail
#
# Copyright(c) 2008 FUJITSU LIMITED. All rights reserved.
#
LDOMSNAME=$1
LDM="/opt/SUNWldm/bin/ldm"
$LDM bind-domain $LDOMSNAME
$LDM start-domain $LDOMSNAME
# Logical Domain の状態が active の場合のみ 0 (success)で exit
$LDM list-domain $LDOMSNAME | tail -1 | awk '{print $2}' | grep "^active" && exit 0
exit 1
