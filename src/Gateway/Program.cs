using Gateway.Hosting;

return await GatewayApp.RunAsync(args);
