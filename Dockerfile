# The image is the binary on a small glibc base (libc and libgcc are all it needs): build dist/ with ./compile.sh first.
# docker build --build-arg BINARY=dist/vigil-linux-arm64 for arm64 nodes.
FROM gcr.io/distroless/cc-debian12:nonroot
ARG BINARY=dist/vigil
COPY ${BINARY} /vigil
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["/vigil"]
CMD ["serve"]
