# Install layout (`cmake --install`) and the Debian package (`cpack -G DEB`).
#
# The binary's own install rule lives in cli/CMakeLists.txt. This file adds:
#   <prefix>/lib/systemd/system/berth.service   hardened unit (deploy/systemd)
#   /etc/default/berth (prefix /usr) or <prefix>/etc/default/berth
#                                               flags for the unit, a conffile
#   <prefix>/share/berth/dashboards/*.json      Grafana dashboards (dashboards/)
#   <prefix>/share/berth/rules/*.yml            Prometheus alert/recording rules
#   <prefix>/share/berth/prometheus.yml         example scrape config (deploy/)
#   <prefix>/share/doc/berth/README.deploy.md
# The unit's ExecStart and EnvironmentFile are rewritten at install time for
# the prefix actually used, so `cmake --install build --prefix /opt/berth`
# yields a unit that starts /opt/berth/bin/berth.
#
# The package: berth_<version>_<arch>.deb, always laid out for prefix /usr
# whatever CMAKE_INSTALL_PREFIX the build used; runtime dependencies come from
# dpkg-shlibdeps (needs the dpkg-dev and file packages); the maintainer
# scripts in deploy/debian create the `berth` system user.

include(GNUInstallDirs)

set(BERTH_DEPLOY_DIR "${PROJECT_SOURCE_DIR}/deploy")
set(BERTH_DASHBOARDS_DIR "${PROJECT_SOURCE_DIR}/dashboards")

# systemd unit and its EnvironmentFile, placed for the install-time prefix.
install(CODE "
  if(CMAKE_INSTALL_PREFIX STREQUAL \"/usr\" OR CMAKE_INSTALL_PREFIX STREQUAL \"/\")
    set(_berth_etc /etc)
  else()
    set(_berth_etc \"\${CMAKE_INSTALL_PREFIX}/etc\")
  endif()
  file(READ \"${BERTH_DEPLOY_DIR}/systemd/berth.service\" _berth_unit)
  string(REPLACE \"/usr/bin/berth\" \"\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_BINDIR}/berth\"
         _berth_unit \"\${_berth_unit}\")
  string(REPLACE \"/etc/default/berth\" \"\${_berth_etc}/default/berth\"
         _berth_unit \"\${_berth_unit}\")
  file(WRITE \"${CMAKE_CURRENT_BINARY_DIR}/packaging/berth.service\" \"\${_berth_unit}\")
  file(INSTALL \"${CMAKE_CURRENT_BINARY_DIR}/packaging/berth.service\"
       DESTINATION \"\${CMAKE_INSTALL_PREFIX}/lib/systemd/system\"
       PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
  file(INSTALL \"${BERTH_DEPLOY_DIR}/systemd/berth.default\"
       DESTINATION \"\${_berth_etc}/default\" RENAME berth
       PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
")

# Dashboards and rules, whatever files the dashboards/ tree holds at configure
# time (re-run cmake after adding one).
file(GLOB BERTH_DASHBOARD_FILES CONFIGURE_DEPENDS
     "${BERTH_DASHBOARDS_DIR}/grafana/*.json" "${BERTH_DASHBOARDS_DIR}/*.json")
file(GLOB BERTH_RULE_FILES CONFIGURE_DEPENDS
     "${BERTH_DASHBOARDS_DIR}/rules/*.yml" "${BERTH_DASHBOARDS_DIR}/rules/*.yaml")
if(BERTH_DASHBOARD_FILES)
  install(FILES ${BERTH_DASHBOARD_FILES} DESTINATION "${CMAKE_INSTALL_DATADIR}/berth/dashboards")
endif()
if(BERTH_RULE_FILES)
  install(FILES ${BERTH_RULE_FILES} DESTINATION "${CMAKE_INSTALL_DATADIR}/berth/rules")
endif()
install(FILES "${BERTH_DEPLOY_DIR}/prometheus.yml" DESTINATION "${CMAKE_INSTALL_DATADIR}/berth")
install(FILES "${BERTH_DEPLOY_DIR}/README.md" DESTINATION "${CMAKE_INSTALL_DOCDIR}"
        RENAME README.deploy.md)

# --- CPack: Debian package -------------------------------------------------
set(CPACK_PACKAGE_NAME berth)
set(CPACK_PACKAGE_VENDOR "berth")
set(CPACK_PACKAGE_CONTACT "berth maintainers <berth@localhost>")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "container resource monitor and Prometheus exporter")
set(CPACK_PACKAGE_DESCRIPTION
    "berth reports what every container on a host uses (CPU, memory, block IO, network, PIDs, pressure, OOM kills) from cgroup v1/v2 and /proc: a live top-style view, docker-stats-compatible tables and JSON, and a cAdvisor-compatible Prometheus exporter (berth serve).")
set(CPACK_GENERATOR DEB)
set(CPACK_SET_DESTDIR ON)
set(CPACK_INSTALL_PREFIX /usr)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# postinst uses groupadd/useradd; shlibdeps' libraries are appended to this.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "passwd")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "prometheus, docker.io")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    "${BERTH_DEPLOY_DIR}/debian/conffiles;${BERTH_DEPLOY_DIR}/debian/postinst;${BERTH_DEPLOY_DIR}/debian/prerm;${BERTH_DEPLOY_DIR}/debian/postrm")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)
include(CPack)
