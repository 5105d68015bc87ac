# cmake -DIN=<installed .proto> -DOUT=<copy in the build tree> -P unweak_proto.cmake
# Copies one .proto, turning `import weak "…";` into `import "…";` (protoc's
# C++ generator refuses weak imports; they only carry gogo's Go options).
file(READ ${IN} _text)
string(REGEX REPLACE "import weak " "import " _text "${_text}")
file(WRITE ${OUT} "${_text}")
