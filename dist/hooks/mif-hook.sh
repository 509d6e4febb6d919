# Shared by mif's VPN and DHCP client hooks (sourced, POSIX sh): register a
# network with mifd as a PvD through mifctl instead of rewriting
# resolv.conf. MIFCTL (default mifctl) and MIF_SOCKET are honoured.

MIFCTL=${MIFCTL:-mifctl}

# mif_mask2len 255.255.255.0 -> 24
mif_mask2len() {
	_n=0
	_ifs=$IFS
	IFS=.
	for _o in $1; do
		case $_o in
		255) _n=$((_n + 8)) ;; 254) _n=$((_n + 7)) ;; 252) _n=$((_n + 6)) ;;
		248) _n=$((_n + 5)) ;; 240) _n=$((_n + 4)) ;; 224) _n=$((_n + 3)) ;;
		192) _n=$((_n + 2)) ;; 128) _n=$((_n + 1)) ;;
		esac
	done
	IFS=$_ifs
	echo "$_n"
}

# mif_network ADDR LEN -> the IPv4 network address of ADDR/LEN
mif_network() {
	_ifs=$IFS
	IFS=.
	# shellcheck disable=SC2086
	set -- $1 "$2"
	IFS=$_ifs
	_a=$(( ($1 << 24) | ($2 << 16) | ($3 << 8) | $4 ))
	_m=$(( $5 == 0 ? 0 : (0xffffffff << (32 - $5)) & 0xffffffff ))
	_a=$((_a & _m))
	echo "$(( (_a >> 24) & 255 )).$(( (_a >> 16) & 255 )).$(( (_a >> 8) & 255 )).$(( _a & 255 ))"
}

# mif_put ID IFACE [mifctl pvd add options...]: add or replace the PvD.
mif_put() {
	_id=$1 _if=$2
	shift 2
	"$MIFCTL" pvd add "$_id" --replace --interface "$_if" "$@" >/dev/null
}

# mif_del ID: forget the PvD (a PvD already gone is not an error).
mif_del() {
	"$MIFCTL" pvd del "$1" >/dev/null 2>&1 || true
}
